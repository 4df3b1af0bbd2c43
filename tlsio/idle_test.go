package tlsio_test

const idleClientEnv = "EDDY_TLSIO_IDLE_CLIENT"

func idleClientMain() int { return 0 }
