package main

import (
	"fmt"

	"github.com/eddyio/eddy/codec"
)

// ExampleRequestDecoder decodes two pipelined requests, as a framed
// reader would from what one read brought, and encodes the handler's
// answers.
func ExampleRequestDecoder() {
	in := codec.NewBuffer([]byte("GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n" +
		"GET /nothing HTTP/1.0\r\n\r\n"))
	var dec RequestDecoder
	var h handler
	for {
		req, ok, err := dec.Decode(in)
		if err != nil || !ok {
			fmt.Println("need more:", ok, err, in.Len())
			break
		}
		resp, closing := h.serve(req)
		fmt.Printf("%s %s HTTP/1.%d: %d %q, close %v\n", req.Method, req.Path(), req.Minor, resp.Status, resp.Body, closing)
	}
	// Output:
	// GET /json HTTP/1.1: 200 "{\"message\":\"Hello, World!\"}", close false
	// GET /nothing HTTP/1.0: 404 "404 page not found\n", close true
	// need more: false <nil> 0
}
