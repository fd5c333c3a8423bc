package cnn

import "fmt"

// Arch is the shape of a pixel-pair network: len(Channels) 1-D convolution
// layers with 'same' zero padding of (Kernel-1)/2 values on each side, ReLU
// after each, global average pooling over positions and one fully connected
// unit (the logit). The input has one channel and D positions.
type Arch struct {
	// Channels holds the output channels of each convolution layer.
	Channels []int
	// Strides holds the stride of each layer (len(Channels) values, each
	// at least 1). A layer maps length L to (L-1)/Stride + 1 ('same').
	Strides []int
	// Kernel is the (odd) kernel length; zero means 3.
	Kernel int
}

// PaperArch is the network of the Fe paper as fixed by METHODS.md §2: 13
// layers C1 1->30, C2 30->30, C3 30->30, C4 30->40 stride 2, then C5..C13
// 40->40 of which C7, C10 and C13 have stride 2 [choice: the paper only says
// "three"; a stride-2 layer every third layer from C4 on], kernel 3. With
// D = 39 the lengths are
//
//	C1-C3: 39, C4-C6: 20, C7-C9: 10, C10-C12: 5, C13: 3
//
// and a pair costs 708,550 multiply-adds (MACs), the "about 0.7 M" of
// METHODS.md.
func PaperArch() Arch {
	return Arch{
		Channels: []int{30, 30, 30, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40},
		Strides:  []int{1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 2},
		Kernel:   3,
	}
}

// LightArch has the 13-layer shape of PaperArch with 8 channels in C1-C3
// and 14 in C4-C13: 74,390 MACs per pair at D = 39, about a tenth of
// PaperArch (the budget of ANCHORS.md): the pipeline's "light" preset.
func LightArch() Arch {
	return Arch{
		Channels: []int{8, 8, 8, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14},
		Strides:  []int{1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 2},
		Kernel:   3,
	}
}

// MidArch has the 13-layer shape of PaperArch with 16 channels in C1-C3 and
// 24 in C4-C13: 236,904 MACs per pair at D = 39, a third of PaperArch. It is
// the pipeline's default: on nanling-li its map's AUC is 0.984 against 0.990
// for PaperArch and 0.968 for LightArch (docs/methods.md).
func MidArch() Arch {
	return Arch{
		Channels: []int{16, 16, 16, 24, 24, 24, 24, 24, 24, 24, 24, 24, 24},
		Strides:  []int{1, 1, 1, 2, 1, 1, 2, 1, 1, 2, 1, 1, 2},
		Kernel:   3,
	}
}

func (a Arch) kernel() int {
	if a.Kernel == 0 {
		return 3
	}
	return a.Kernel
}

// Validate reports whether a is usable with inputs of d values.
func (a Arch) Validate(d int) error {
	if d < 1 {
		return fmt.Errorf("cnn: input length %d < 1", d)
	}
	if len(a.Channels) == 0 {
		return fmt.Errorf("cnn: no convolution layers")
	}
	if len(a.Strides) != len(a.Channels) {
		return fmt.Errorf("cnn: %d strides for %d layers", len(a.Strides), len(a.Channels))
	}
	if k := a.kernel(); k < 1 || k%2 == 0 {
		return fmt.Errorf("cnn: kernel %d is not a positive odd number", k)
	}
	for i, c := range a.Channels {
		if c < 1 {
			return fmt.Errorf("cnn: layer %d has %d channels", i+1, c)
		}
		if a.Strides[i] < 1 {
			return fmt.Errorf("cnn: layer %d has stride %d", i+1, a.Strides[i])
		}
	}
	return nil
}

// Lengths returns the input length of every layer followed by the output
// length of the last: len(Channels)+1 values, the first being d.
func (a Arch) Lengths(d int) []int {
	ls := make([]int, len(a.Channels)+1)
	ls[0] = d
	for i, s := range a.Strides {
		ls[i+1] = (ls[i]-1)/s + 1
	}
	return ls
}

// MACs returns the multiply-adds of one pair through the network with inputs
// of d values: convolutions plus the fully connected unit (pooling and bias
// additions not counted).
func (a Arch) MACs(d int) int {
	ls := a.Lengths(d)
	k := a.kernel()
	in := 1
	macs := 0
	for i, c := range a.Channels {
		macs += ls[i+1] * c * k * in
		in = c
	}
	return macs + in
}
