package servers

import (
	"fmt"
	"io"
)

// Serve starts s on addr with loops event loops, writes "listening on
// ADDR" and a newline to w once it echoes, and stops it when quit is
// closed.
func Serve(s Server, addr string, loops int, w io.Writer, quit <-chan struct{}) error {
	bound, stop, err := s.Start(addr, loops)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Name, err)
	}
	defer stop()
	if _, err := fmt.Fprintf(w, "listening on %s\n", bound); err != nil {
		return err
	}
	<-quit
	return nil
}
