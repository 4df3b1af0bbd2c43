package codec_test

import (
	"testing"

	"github.com/eddyio/eddy/codec"
)

func TestStorage(t *testing.T) {
	var s codec.Storage
	if b := s.Take(10); len(b) != 0 || cap(b) != codec.StorageSize || !s.Held() {
		t.Fatalf("Take(10) = len %d cap %d, held %v; want an empty pooled array", len(b), cap(b), s.Held())
	}
	if b := s.Take(codec.StorageSize + 1); cap(b) != codec.StorageSize+1 {
		t.Fatalf("Take(StorageSize+1): cap %d; want memory of its own size", cap(b))
	}
	s.Release()
	if s.Held() {
		t.Fatal("Held after Release")
	}
}
