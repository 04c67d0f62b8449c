# METADATA
# title: Sidecar injection
# custom:
#   family: injection
#   order: 1
package meshready.families.injection
