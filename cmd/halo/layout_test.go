package main

import (
	"os/exec"
	"strings"
	"testing"
)

// DESIGN.md: gorgonia stays inside core/nn (and what calls all of core:
// core/pipeline and its sub-packages, wasm/worker, cmd); the viewer
// (wasm/ui) contains neither gorgonia nor gonum/plot.
func TestLayoutImports(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goList := func(env []string, args ...string) []string {
		cmd := exec.Command("go", append([]string{"list"}, args...)...)
		cmd.Env = append(cmd.Environ(), env...)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list %v: %v", args, err)
		}
		return strings.Fields(string(out))
	}
	checked := 0
	for _, pkg := range goList(nil, "halo/core/...") {
		if strings.HasPrefix(pkg, "halo/core/nn") || strings.HasPrefix(pkg, "halo/core/pipeline") {
			continue
		}
		checked++
		for _, dep := range goList(nil, "-deps", pkg) {
			if strings.HasPrefix(dep, "gorgonia.org/") {
				t.Errorf("%s imports %s: gorgonia belongs in core/nn", pkg, dep)
				break
			}
		}
	}
	if checked < 8 {
		t.Errorf("only %d core packages checked", checked)
	}
	for _, dep := range goList([]string{"GOOS=js", "GOARCH=wasm"}, "-deps", "halo/wasm/ui") {
		if strings.HasPrefix(dep, "gorgonia.org/") || strings.HasPrefix(dep, "gonum.org/v1/plot") {
			t.Errorf("the viewer wasm/ui imports %s: keep it small", dep)
		}
	}
}
