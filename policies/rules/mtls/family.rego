# METADATA
# title: mTLS
# custom:
#   family: mtls
#   order: 4
package meshready.families.mtls
