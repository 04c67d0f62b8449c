package render

import (
	"sync"
	_ "unsafe" // go:linkname to sprig's function table

	_ "github.com/Masterminds/sprig/v3" // the table below is its own
)

// sprigFuncs is Sprig's function table (sprig v3.3.0 functions.go
// genericMap), which TxtFuncMap copies for every template Helm's engines
// (pkg/engine funcMap, and helm36's) parse.
//
//go:linkname sprigFuncs github.com/Masterminds/sprig/v3.genericMap
var sprigFuncs map[string]any

// sprigDerivePassword is Sprig's own derivePassword (crypto.go): scrypt
// with N=32768, r=8, a pure function of its arguments. OOM's common secret
// templates call it for every generated password of every render, and a
// fix run renders each chart several times (variants, sentinel probes, the
// self-check): scrypt was half of a fix run's CPU on OOM master.
var sprigDerivePassword, _ = sprigFuncs["derivePassword"].(func(uint32, string, string, string, string) string)

func init() {
	if sprigDerivePassword != nil { // a Sprig with another signature keeps its own
		sprigFuncs["derivePassword"] = memoDerive(sprigDerivePassword)
	}
}

type deriveArgs struct {
	counter                      uint32
	passwordType, pw, user, site string
}

// memoDerive returns f remembered per process: the same arguments give
// the same string (f is pure), computed once.
func memoDerive(f func(uint32, string, string, string, string) string) func(uint32, string, string, string, string) string {
	var memo sync.Map // deriveArgs -> string
	return func(counter uint32, passwordType, password, user, site string) string {
		k := deriveArgs{counter, passwordType, password, user, site}
		if v, ok := memo.Load(k); ok {
			return v.(string)
		}
		v, _ := memo.LoadOrStore(k, f(counter, passwordType, password, user, site))
		return v.(string)
	}
}
