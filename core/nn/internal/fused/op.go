package fused

import (
	"fmt"
	"hash/fnv"
	"math"
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

// Plain, embedded in a custom op, gives gorgonia the answers all of them
// give: the op returns a value of its own (no pointer into an input), calls
// no extern and overwrites no input.
type Plain struct{}

func (Plain) ReturnsPtr() bool     { return false }
func (Plain) CallsExtern() bool    { return false }
func (Plain) OverwritesInput() int { return -1 }

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

// Softplus32 is gorgonia's float32 softplus (v0.9.18, math.go):
// log(1 + e**x) in float64, rounded, 0 below -103 and x above 14. The ops
// that replace gorgonia's softplus nodes use it to keep their bits.
func Softplus32(x float32) float32 {
	if x < -103 {
		return 0
	}
	if x > 14 {
		return x
	}
	return float32(math.Log1p(math.Exp(float64(x))))
}

// Scalar reads a float32 scalar value (a loss) without Data, which boxes
// the float32 on every call; NaN if v is nil or not a float32.
func Scalar(v G.Value) float64 {
	switch v := v.(type) {
	case *G.F32:
		return float64(*v)
	case nil:
		return math.NaN()
	default:
		f, ok := v.Data().(float32)
		if !ok {
			return math.NaN()
		}
		return float64(f)
	}
}
