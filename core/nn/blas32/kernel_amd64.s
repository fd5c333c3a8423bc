//go:build amd64

#include "textflag.h"

// func kernelAVX(kb int, a0, a1 *float32, astep int, bp *float32, acc *[32]float32)
// acc[q] = sum over p of a0[p*astep] * bp[p*16+q], acc[16+q] the same with
// a1, p in order; astep counts float32s (2 for a packed A panel, whose rows
// interleave; 1 for two rows read in place).
TEXT ·kernelAVX(SB), NOSPLIT, $0-48
	MOVQ kb+0(FP), CX
	MOVQ a0+8(FP), SI
	MOVQ a1+16(FP), R8
	MOVQ astep+24(FP), R9
	SHLQ $2, R9
	MOVQ bp+32(FP), DI
	MOVQ acc+40(FP), DX
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

	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VZEROUPPER
	RET
