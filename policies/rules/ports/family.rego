# METADATA
# title: Ports & protocols
# custom:
#   family: ports
#   order: 2
package meshready.families.ports
