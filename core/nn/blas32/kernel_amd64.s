//go:build amd64

#include "textflag.h"

// func kernelAVX(kb int, ap, bp *float32, acc *[32]float32)
// acc[r*16+q] = sum over p of ap[p*2+r] * bp[p*16+q], p in order.
TEXT ·kernelAVX(SB), NOSPLIT, $0-32
	MOVQ kb+0(FP), CX
	MOVQ ap+8(FP), SI
	MOVQ bp+16(FP), DI
	MOVQ acc+24(FP), DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

loop:
	VMOVUPS      (DI), Y4
	VMOVUPS      32(DI), Y5
	VBROADCASTSS (SI), Y6
	VBROADCASTSS 4(SI), Y7
	VMULPS       Y4, Y6, Y8
	VMULPS       Y5, Y6, Y9
	VMULPS       Y4, Y7, Y10
	VMULPS       Y5, Y7, Y11
	VADDPS       Y8, Y0, Y0
	VADDPS       Y9, Y1, Y1
	VADDPS       Y10, Y2, Y2
	VADDPS       Y11, Y3, Y3
	ADDQ         $8, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop

	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VZEROUPPER
	RET

// func kernelRowsAVX(kb int, r0, r1, bp *float32, acc *[32]float32)
// acc[q] = sum over p of r0[p] * bp[p*16+q], acc[16+q] the same with r1.
TEXT ·kernelRowsAVX(SB), NOSPLIT, $0-40
	MOVQ kb+0(FP), CX
	MOVQ r0+8(FP), SI
	MOVQ r1+16(FP), R8
	MOVQ bp+24(FP), DI
	MOVQ acc+32(FP), DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

rloop:
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
	ADDQ         $4, SI
	ADDQ         $4, R8
	ADDQ         $64, DI
	DECQ         CX
	JNZ          rloop

	VMOVUPS Y0, (DX)
	VMOVUPS Y1, 32(DX)
	VMOVUPS Y2, 64(DX)
	VMOVUPS Y3, 96(DX)
	VZEROUPPER
	RET
