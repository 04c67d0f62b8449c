# METADATA
# title: Tracing
# custom:
#   family: tracing
#   order: 3
package meshready.families.tracing
