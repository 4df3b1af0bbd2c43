package socket

// OpenBSD sets keep-alive timing system-wide only; SetKeepAlivePeriod
// answers ENOPROTOOPT there.
const (
	keepIdleOpt  = -1
	keepIntvlOpt = -1
)
