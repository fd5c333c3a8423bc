// Package tape runs a gorgonia expression graph, forward pass and symbolic
// gradients, without allocating once it has run once.
//
// gorgonia's TapeMachine (v0.9.18) allocates three objects per instruction
// on every run (the input slice, the result and the boxed register of a
// log call that is off) and formats nothing but still boxes its log
// arguments: 1,750 allocations per training step of the default ALAD
// networks, against the "keep the training loop allocation-free" of
// DESIGN.md; on a Machine, BenchmarkTrain/default/D=39 ran at 59k samples/s
// in js/wasm instead of 47k. A Machine executes the same
// graph, the same ops in a topological order, with the inputs of each op
// gathered into a slice made once, and the result of each op kept for the
// next run: ops that implement gorgonia.UsePreallocDoer write into it. The
// additions that gorgonia's symbolic differentiation inserts where a node
// feeds several others (gradient sums) and the additions of scalar losses
// run here as float32 loops (blas32.Add): float32 addition is exact per element,
// so the values are those of gorgonia's own addition, bit for bit (the
// tests compare with the TapeMachine).
//
// A Machine does not bind values to the graph's nodes: read them with
// Value. Input nodes are read through their bound value on every run, so
// inputs whose backing is rewritten in place between runs (mini-batches,
// noise, dropout masks) need nothing else.
package tape

import (
	"fmt"
	"unsafe"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"halo/core/nn/blas32"
)

// kind is how an instruction runs.
type kind uint8

const (
	generic   kind = iota // op.Do, or UsePreallocDo into the last result
	addDense              // float32 tensors of one shape: out = a + b
	addScalar             // float32 scalars (*G.F32): out = a + b
)

type instr struct {
	node *G.Node
	op   G.Op
	pre  G.UsePreallocDoer // op's, if it implements it
	in   []int             // value slots of the op's inputs, in order
	args []G.Value         // scratch for the inputs, made once
	out  int               // value slot of the result
	kind kind
	// reuse says the last result may be passed back as the
	// preallocated output: set after the first run, when the result was
	// found to share its backing with no other value.
	reuse bool
}

// Machine runs one graph. It is not safe for concurrent use.
type Machine struct {
	inputs []*G.Node // slots 0..len(inputs)-1
	prog   []instr
	vals   []G.Value
	slot   map[*G.Node]int
	ran    bool
}

// New compiles g: every node of g runs, inputs first, in gorgonia's
// topological order (the order of its TapeMachine).
func New(g *G.ExprGraph) (*Machine, error) {
	sorted, err := G.Sort(g)
	if err != nil {
		return nil, fmt.Errorf("tape: sorting the graph: %w", err)
	}
	m := &Machine{slot: make(map[*G.Node]int, len(sorted))}
	// leaf: inputs and constants (whose ops take no node: their value is
	// bound at creation).
	leaf := func(n *G.Node) bool { return n.Op() == nil || g.From(n.ID()).Len() == 0 }
	// Sort puts the roots first: run from the end.
	for i := len(sorted) - 1; i >= 0; i-- {
		n := sorted[i]
		if leaf(n) {
			m.slot[n] = len(m.vals)
			m.inputs = append(m.inputs, n)
			m.vals = append(m.vals, nil)
		}
	}
	for i := len(sorted) - 1; i >= 0; i-- {
		n := sorted[i]
		op := n.Op()
		if leaf(n) {
			continue
		}
		in := instr{node: n, op: op, out: len(m.vals)}
		for it := g.From(n.ID()); it.Next(); {
			c := it.Node().(*G.Node)
			s, ok := m.slot[c]
			if !ok {
				return nil, fmt.Errorf("tape: %v needs %v, which is not in the graph or not before it", n, c)
			}
			in.in = append(in.in, s)
		}
		if a := op.Arity(); a >= 0 && a != len(in.in) {
			return nil, fmt.Errorf("tape: %v takes %d inputs, has %d", n, a, len(in.in))
		}
		in.args = make([]G.Value, len(in.in))
		in.pre, _ = op.(G.UsePreallocDoer)
		if isAdd(op) && len(in.in) == 2 {
			in.kind = addDense // settled on the first run, from the values
		}
		m.slot[n] = len(m.vals)
		m.vals = append(m.vals, nil)
		m.prog = append(m.prog, in)
	}
	return m, nil
}

// isAdd reports whether op is gorgonia's elementwise addition (G.Add).
func isAdd(op G.Op) bool {
	return fmt.Sprintf("%T", op) == "gorgonia.elemBinOp" && op.String() == "+ false"
}

// Run runs every op once.
func (m *Machine) Run() error {
	for i, n := range m.inputs {
		m.vals[i] = n.Value()
	}
	first := !m.ran
	for k := range m.prog {
		in := &m.prog[k]
		for j, s := range in.in {
			in.args[j] = m.vals[s]
		}
		if first && in.kind != generic {
			in.kind = addKind(in.args)
		}
		var (
			v   G.Value
			err error
		)
		switch in.kind {
		case addDense:
			v, err = addDenseDo(m.vals[in.out], in.args[0], in.args[1])
		case addScalar:
			v = addScalarDo(m.vals[in.out], in.args[0], in.args[1])
		default:
			if in.reuse {
				v, err = in.pre.UsePreallocDo(m.vals[in.out], in.args...)
			} else {
				v, err = in.op.Do(in.args...)
			}
		}
		if err != nil {
			return fmt.Errorf("tape: running %v: %w", in.node, err)
		}
		m.vals[in.out] = v
	}
	if first {
		m.settle()
	}
	m.ran = true
	return nil
}

// addKind picks the addition kernel for the first run's inputs; generic if
// they are anything but two float32 tensors of one shape or two *G.F32.
func addKind(args []G.Value) kind {
	a, b := args[0], args[1]
	if x, ok := a.(*tensor.Dense); ok {
		y, ok := b.(*tensor.Dense)
		if ok && x.Dtype() == tensor.Float32 && y.Dtype() == tensor.Float32 && !x.IsScalar() &&
			x.Shape().Eq(y.Shape()) && !x.RequiresIterator() && !y.RequiresIterator() {
			return addDense
		}
		return generic
	}
	_, ok1 := a.(*G.F32)
	_, ok2 := b.(*G.F32)
	if ok1 && ok2 {
		return addScalar
	}
	return generic
}

func addDenseDo(prev, a, b G.Value) (G.Value, error) {
	x, y := a.(*tensor.Dense), b.(*tensor.Dense)
	xs, ys := x.Float32s(), y.Float32s()
	// The shapes were checked on the first run (addKind); a node's do not
	// change (Shape would allocate a copy).
	out, _ := prev.(*tensor.Dense)
	if out == nil {
		out = tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(x.Shape()...))
	}
	os := out.Float32s()
	if len(xs) != len(os) || len(ys) != len(os) {
		return nil, fmt.Errorf("adding %d and %d values into %d", len(xs), len(ys), len(os))
	}
	blas32.Add(os, xs, ys) // four lanes at a time in js/wasm
	return out, nil
}

func addScalarDo(prev, a, b G.Value) G.Value {
	out, _ := prev.(*G.F32)
	if out == nil {
		out = G.NewF32(0)
	}
	*out = *a.(*G.F32) + *b.(*G.F32)
	return out
}

// settle decides, after the first run, which generic ops may write into
// their last result: those whose result owns its backing (no input and no
// other slot shares it), so that writing it cannot change another value.
func (m *Machine) settle() {
	owners := map[uintptr]int{}
	for _, v := range m.vals {
		if p := backing(v); p != 0 {
			owners[p]++
		}
	}
	for k := range m.prog {
		in := &m.prog[k]
		if in.kind != generic || in.pre == nil {
			continue
		}
		p := backing(m.vals[in.out])
		in.reuse = p != 0 && owners[p] == 1
	}
}

// backing is the address of v's first element, or 0.
func backing(v G.Value) uintptr {
	switch t := v.(type) {
	case *tensor.Dense:
		if t.DataSize() > 0 {
			return t.Uintptr()
		}
	case *G.F32:
		return uintptr(unsafe.Pointer(t))
	}
	return 0
}

// Value returns n's value after the last run (nil if n is not in the graph
// or the machine has not run).
func (m *Machine) Value(n *G.Node) G.Value {
	if s, ok := m.slot[n]; ok {
		return m.vals[s]
	}
	return nil
}

// Runner runs a compiled graph and reads its values: a Machine, or
// gorgonia's TapeMachine behind Reference.
type Runner interface {
	Run() error
	Value(n *G.Node) G.Value
}

// Compile is New as a Runner; the models call it through a variable their
// tests set to Reference.
func Compile(g *G.ExprGraph) (Runner, error) { return New(g) }

// Reference compiles g for gorgonia's own TapeMachine: the machine the tests
// compare a Machine with.
func Reference(g *G.ExprGraph) (Runner, error) {
	return &reference{vm: G.NewTapeMachine(g)}, nil
}

type reference struct{ vm G.VM }

func (r *reference) Run() error {
	r.vm.Reset()
	return r.vm.RunAll()
}

func (r *reference) Value(n *G.Node) G.Value { return n.Value() }
