//go:build amd64

#include "textflag.h"

// The epilogue modes (act) of both kernels: GemmRows' (0 none, 1 ReLU, 2
// leaky, each after the bias where bias is not nil) and Gemm's (3: C +=
// alpha*sum, alpha in slope). Every sum runs over p in order with the
// multiply and the add rounded separately (no fused multiply-add), as the
// portable Go loops and the js/wasm kernels do, so products are the same
// bit for bit on every platform. Comparisons are ordered and quiet: -0 and
// NaN are not below 0 and pass ReLU and leaky unchanged, -Inf is.

// func kernelAVX(kb int, a0, a1 *float32, astep int, bp, c0, c1, bias *float32, mask *int32, act int, slope float32)
// Two rows of A (elements astep float32s apart: 2 for a packed A panel,
// whose rows interleave; 1 for rows read in place; lda for a transposed A)
// times a packed B panel of 16 columns: sum[r][q] = sum over p < kb of
// A_r[p] * bp[p*16+q], in four 8-lane accumulator chains, then the
// epilogue act written to the rows c0 and c1 of C in the lanes the 16
// values at mask select (all ones for the first nr columns). Masked loads
// and stores touch only those columns of bias and C. kb must be at least 1.
TEXT ·kernelAVX(SB), NOSPLIT, $0-84
	MOVQ kb+0(FP), CX
	MOVQ a0+8(FP), SI
	MOVQ a1+16(FP), R8
	MOVQ astep+24(FP), R9
	SHLQ $2, R9
	MOVQ bp+32(FP), DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

loop:
	VMOVUPS      (DI), Y4
	VMOVUPS      32(DI), Y5
	VBROADCASTSS (SI), Y6
	VBROADCASTSS (R8), Y7
	VMULPS       Y4, Y6, Y8
	VMULPS       Y5, Y6, Y9
	VMULPS       Y4, Y7, Y10
	VMULPS       Y5, Y7, Y11
	VADDPS       Y8, Y0, Y0
	VADDPS       Y9, Y1, Y1
	VADDPS       Y10, Y2, Y2
	VADDPS       Y11, Y3, Y3
	ADDQ         R9, SI
	ADDQ         R9, R8
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop

	MOVQ    mask+64(FP), BX
	VMOVUPS (BX), Y12
	VMOVUPS 32(BX), Y13
	MOVQ    c0+40(FP), DX
	MOVQ    c1+48(FP), R10
	MOVQ    act+72(FP), BX
	CMPQ    BX, $3
	JEQ     accumulate
	MOVQ    bias+56(FP), AX
	TESTQ   AX, AX
	JZ      act
	VMASKMOVPS (AX), Y12, Y4
	VMASKMOVPS 32(AX), Y13, Y5
	VADDPS     Y4, Y0, Y0
	VADDPS     Y5, Y1, Y1
	VADDPS     Y4, Y2, Y2
	VADDPS     Y5, Y3, Y3

act:
	VXORPS Y6, Y6, Y6
	CMPQ   BX, $1
	JEQ    relu
	CMPQ   BX, $2
	JEQ    leaky
	JMP    store

relu:
	// v &^ (v < 0): the negative numbers become +0.
	VCMPPS  $0x11, Y6, Y0, Y7
	VANDNPS Y0, Y7, Y0
	VCMPPS  $0x11, Y6, Y1, Y7
	VANDNPS Y1, Y7, Y1
	VCMPPS  $0x11, Y6, Y2, Y7
	VANDNPS Y2, Y7, Y2
	VCMPPS  $0x11, Y6, Y3, Y7
	VANDNPS Y3, Y7, Y3
	JMP     store

leaky:
	// (v < 0) ? v*slope : v.
	VBROADCASTSS slope+80(FP), Y8
	VCMPPS       $0x11, Y6, Y0, Y7
	VMULPS       Y8, Y0, Y9
	VBLENDVPS    Y7, Y9, Y0, Y0
	VCMPPS       $0x11, Y6, Y1, Y7
	VMULPS       Y8, Y1, Y9
	VBLENDVPS    Y7, Y9, Y1, Y1
	VCMPPS       $0x11, Y6, Y2, Y7
	VMULPS       Y8, Y2, Y9
	VBLENDVPS    Y7, Y9, Y2, Y2
	VCMPPS       $0x11, Y6, Y3, Y7
	VMULPS       Y8, Y3, Y9
	VBLENDVPS    Y7, Y9, Y3, Y3
	JMP          store

accumulate:
	// C + alpha*sum: the product rounded, then the addition.
	VBROADCASTSS slope+80(FP), Y8
	VMULPS       Y8, Y0, Y0
	VMULPS       Y8, Y1, Y1
	VMULPS       Y8, Y2, Y2
	VMULPS       Y8, Y3, Y3
	VMASKMOVPS   (DX), Y12, Y4
	VMASKMOVPS   32(DX), Y13, Y5
	VADDPS       Y0, Y4, Y0
	VADDPS       Y1, Y5, Y1
	VMASKMOVPS   Y0, Y12, (DX)
	VMASKMOVPS   Y1, Y13, 32(DX)
	VMASKMOVPS   (R10), Y12, Y4
	VMASKMOVPS   32(R10), Y13, Y5
	VADDPS       Y2, Y4, Y2
	VADDPS       Y3, Y5, Y3
	VMASKMOVPS   Y2, Y12, (R10)
	VMASKMOVPS   Y3, Y13, 32(R10)
	VZEROUPPER
	RET

store:
	// Row 1 after row 0: with c1 = c0 (a last, single row, whose a1 is
	// a0) the same values are written twice.
	VMASKMOVPS Y0, Y12, (DX)
	VMASKMOVPS Y1, Y13, 32(DX)
	VMASKMOVPS Y2, Y12, (R10)
	VMASKMOVPS Y3, Y13, 32(R10)
	VZEROUPPER
	RET

// func kernelAVX512(kb int, a0, a1, a2, a3 *float32, astep int, bp, c0, c1, c2, c3, bias *float32, mask, act int, slope float32)
// kernelAVX for four rows of A and one B panel in 16-lane AVX-512
// registers: four accumulator chains of 16 lanes where kernelAVX has four
// of 8. mask has a bit per column to write.
TEXT ·kernelAVX512(SB), NOSPLIT, $0-116
	MOVQ kb+0(FP), CX
	MOVQ a0+8(FP), SI
	MOVQ a1+16(FP), R8
	MOVQ a2+24(FP), R10
	MOVQ a3+32(FP), R11
	MOVQ astep+40(FP), R9
	SHLQ $2, R9
	MOVQ bp+48(FP), DI
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3

loop512:
	VMOVUPS      (DI), Z4
	VBROADCASTSS (SI), Z5
	VBROADCASTSS (R8), Z6
	VBROADCASTSS (R10), Z7
	VBROADCASTSS (R11), Z8
	VMULPS       Z4, Z5, Z9
	VMULPS       Z4, Z6, Z10
	VMULPS       Z4, Z7, Z11
	VMULPS       Z4, Z8, Z12
	VADDPS       Z9, Z0, Z0
	VADDPS       Z10, Z1, Z1
	VADDPS       Z11, Z2, Z2
	VADDPS       Z12, Z3, Z3
	ADDQ         R9, SI
	ADDQ         R9, R8
	ADDQ         R9, R10
	ADDQ         R9, R11
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop512

	MOVQ  mask+96(FP), AX
	KMOVW AX, K1
	MOVQ  act+104(FP), BX
	CMPQ  BX, $3
	JEQ   accumulate512
	MOVQ  bias+88(FP), AX
	TESTQ AX, AX
	JZ    act512
	VMOVUPS.Z (AX), K1, Z4
	VADDPS    Z4, Z0, Z0
	VADDPS    Z4, Z1, Z1
	VADDPS    Z4, Z2, Z2
	VADDPS    Z4, Z3, Z3

act512:
	VXORPS Z6, Z6, Z6
	CMPQ   BX, $1
	JEQ    relu512
	CMPQ   BX, $2
	JEQ    leaky512
	JMP    store512

relu512:
	// The lanes with v < 0 become +0.
	VCMPPS $0x11, Z6, Z0, K2
	VXORPS Z0, Z0, K2, Z0
	VCMPPS $0x11, Z6, Z1, K2
	VXORPS Z1, Z1, K2, Z1
	VCMPPS $0x11, Z6, Z2, K2
	VXORPS Z2, Z2, K2, Z2
	VCMPPS $0x11, Z6, Z3, K2
	VXORPS Z3, Z3, K2, Z3
	JMP    store512

leaky512:
	// The lanes with v < 0 become v*slope.
	VBROADCASTSS slope+112(FP), Z7
	VCMPPS       $0x11, Z6, Z0, K2
	VMULPS       Z7, Z0, K2, Z0
	VCMPPS       $0x11, Z6, Z1, K2
	VMULPS       Z7, Z1, K2, Z1
	VCMPPS       $0x11, Z6, Z2, K2
	VMULPS       Z7, Z2, K2, Z2
	VCMPPS       $0x11, Z6, Z3, K2
	VMULPS       Z7, Z3, K2, Z3
	JMP          store512

accumulate512:
	// C + alpha*sum: the product rounded, then the addition.
	VBROADCASTSS slope+112(FP), Z13
	VMULPS       Z13, Z0, Z0
	VMULPS       Z13, Z1, Z1
	VMULPS       Z13, Z2, Z2
	VMULPS       Z13, Z3, Z3
	MOVQ         c0+56(FP), DX
	VMOVUPS.Z    (DX), K1, Z4
	VADDPS       Z0, Z4, Z0
	MOVQ         c1+64(FP), DX
	VMOVUPS.Z    (DX), K1, Z4
	VADDPS       Z1, Z4, Z1
	MOVQ         c2+72(FP), DX
	VMOVUPS.Z    (DX), K1, Z4
	VADDPS       Z2, Z4, Z2
	MOVQ         c3+80(FP), DX
	VMOVUPS.Z    (DX), K1, Z4
	VADDPS       Z3, Z4, Z3

store512:
	MOVQ    c0+56(FP), DX
	VMOVUPS Z0, K1, (DX)
	MOVQ    c1+64(FP), DX
	VMOVUPS Z1, K1, (DX)
	MOVQ    c2+72(FP), DX
	VMOVUPS Z2, K1, (DX)
	MOVQ    c3+80(FP), DX
	VMOVUPS Z3, K1, (DX)
	VZEROUPPER
	RET
