"""Downloads within limits, shared by the image library and `postbook fetch`: net.client (one
GET: time and byte limits, redirects checked, gzip within the limit) and net.addresses (which
addresses may be connected to: no link-local, multicast or unspecified ones)."""
