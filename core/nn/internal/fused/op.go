package fused

import (
	"fmt"
	"hash/fnv"
	"sync/atomic"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
)

// What the custom ops of core/nn (this package's, alad's, the CNN's) share.

// MatType and VecType are the types of float32 matrices and vectors in a
// custom op's signature.
var (
	MatType = G.TensorType{Dims: 2, Of: hm.TypeVariable('a')}
	VecType = G.TensorType{Dims: 1, Of: hm.TypeVariable('a')}
)

// Hash is the hash of a custom op: that of its String, which names its
// state (gorgonia merges nodes of equal hash and inputs).
func Hash(op fmt.Stringer) uint32 {
	h := fnv.New32a()
	fmt.Fprint(h, op.String())
	return h.Sum32()
}

// ids numbers the ops' states.
var ids atomic.Int64

// NewID returns a number no other op state of this process has: a state's
// String must name it, so that ops of different states hash differently
// (gorgonia merges nodes of equal hash and inputs).
func NewID() int { return int(ids.Add(1)) }

// MaxArgs is the most inputs Args takes.
const MaxArgs = 6

// Args checks that inputs holds arity float32 values and returns their
// backings in buf, so that an op's Do allocates nothing for them. op names
// the op in an error; it is a type parameter so that the op, a value, is
// boxed only on the error path (as a fmt.Stringer argument it was boxed on
// every call: half the allocations of an ALAD training step).
func Args[Op fmt.Stringer](buf *[MaxArgs][]float32, op Op, arity int, inputs []G.Value) ([][]float32, error) {
	if len(inputs) != arity || arity > MaxArgs {
		return nil, fmt.Errorf("%v takes %d inputs, got %d", op, arity, len(inputs))
	}
	in := buf[:arity]
	for i, v := range inputs {
		if in[i] = F32(v); in[i] == nil {
			return nil, fmt.Errorf("%v needs float32 values", op)
		}
	}
	return in, nil
}
