package main

import (
	"fmt"

	"github.com/eddyio/eddy/codec"
)

// ExampleCommandDecoder decodes a command array and an inline command, as
// a framed reader would from what one read brought, answers them and
// encodes the replies.
func ExampleCommandDecoder() {
	in := codec.NewBuffer([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\nGET k\r\n"))
	var dec CommandDecoder
	s := &session{store: NewStore()}
	var out []byte
	for {
		cmd, ok, err := dec.Decode(in)
		if err != nil || !ok {
			break
		}
		fmt.Printf("%q\n", cmd.Args)
		reply, _ := s.serve(cmd)
		out, _ = ReplyEncoder{}.Encode(out, reply)
	}
	fmt.Printf("%q\n", out)
	// Output:
	// ["SET" "k" "hello"]
	// ["GET" "k"]
	// "+OK\r\n$5\r\nhello\r\n"
}
