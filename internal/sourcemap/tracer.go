package sourcemap

// fromTracer asks the caller's Tracer (the fixer's sentinel renders), when
// one is plugged in; its answer stands (see Tracer).
func fromTracer(m *Mapper, q *query) (Location, bool) {
	if m.tracer == nil {
		return Location{}, false
	}
	return m.tracer.Trace(q.r, q.field)
}
