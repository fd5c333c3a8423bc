//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "ui: the map viewer is a wasm program shown in web/viewer.html; build it with GOOS=js GOARCH=wasm go build -o build/ui.wasm ./wasm/ui")
	os.Exit(2)
}
