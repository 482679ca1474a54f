;; The engine's matrix products in WebAssembly SIMD (f64x2), assembled at build time
;; (scripts/wat.mjs) and driven by wasmKernels.ts, which copies operands into this
;; module's linear memory. They compute exactly what the JavaScript kernels in ../kernels.ts
;; compute; only the order of the additions inside a dot product differs (even and odd k are
;; summed in the two lanes, then added), so results agree to rounding.
;; Conventions: every pointer is a byte offset into the exported memory, every size and leading
;; dimension counts f64 elements, matrices are row-major. Odd lengths are handled by a scalar tail
;; (gemmNT: odd M and N; its caller pads K to an even length).

(module
  (memory (export "memory") 1)

  ;; lane 0 + lane 1 of s, plus a[last]*b[last] when the length is odd
  (func $hsumTail (param $s v128) (param $pa i32) (param $pb i32) (param $odd i32) (result f64)
    (local $t f64)
    (local.set $t (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
    (if (local.get $odd)
      (then (local.set $t (f64.add (local.get $t)
        (f64.mul (f64.load (local.get $pa)) (f64.load (local.get $pb)))))))
    (local.get $t))

  ;; sum_k a[k]*b[k], k < K (two lanes, then the odd tail)
  (func $dot (param $pa i32) (param $pb i32) (param $K i32) (result f64)
    (local $s v128) (local $o i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $K) (i32.const -2)) (i32.const 3)))
    (local.set $s (v128.const f64x2 0 0))
    (block $done
      (loop $k
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $s (f64x2.add (local.get $s)
          (f64x2.mul (v128.load (i32.add (local.get $pa) (local.get $o)))
                     (v128.load (i32.add (local.get $pb) (local.get $o))))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $k)))
    (call $hsumTail (local.get $s)
      (i32.add (local.get $pa) (local.get $end)) (i32.add (local.get $pb) (local.get $end))
      (i32.and (local.get $K) (i32.const 1))))

  ;; y (M) = beta*y + A (M, K; lda) · x (K); beta is 0 or 1. Four rows share each load of x.
  (func (export "gemv") (param $y i32) (param $a i32) (param $x i32)
        (param $M i32) (param $K i32) (param $lda i32) (param $beta i32)
    (local $m i32) (local $M4 i32) (local $ldaB i32) (local $o i32) (local $end i32) (local $odd i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $py i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $v v128)
    (local.set $ldaB (i32.shl (local.get $lda) (i32.const 3)))
    (local.set $M4 (i32.and (local.get $M) (i32.const -4)))
    (local.set $end (i32.shl (i32.and (local.get $K) (i32.const -2)) (i32.const 3)))
    (local.set $odd (i32.and (local.get $K) (i32.const 1)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $m) (local.get $M4)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $ldaB))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $ldaB)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $ldaB)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $ldaB)))
        (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0)) (local.set $s3 (v128.const f64x2 0 0))
        (local.set $o (i32.const 0))
        (block $kDone
          (loop $k
            (br_if $kDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $v (v128.load (i32.add (local.get $x) (local.get $o))))
            (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $v) (v128.load (i32.add (local.get $a0) (local.get $o))))))
            (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $v) (v128.load (i32.add (local.get $a1) (local.get $o))))))
            (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $v) (v128.load (i32.add (local.get $a2) (local.get $o))))))
            (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $v) (v128.load (i32.add (local.get $a3) (local.get $o))))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $k)))
        (local.set $py (i32.add (local.get $y) (i32.shl (local.get $m) (i32.const 3))))
        (call $storeRow (local.get $py) (local.get $beta)
          (call $hsumTail (local.get $s0) (i32.add (local.get $a0) (local.get $end)) (i32.add (local.get $x) (local.get $end)) (local.get $odd)))
        (call $storeRow (i32.add (local.get $py) (i32.const 8)) (local.get $beta)
          (call $hsumTail (local.get $s1) (i32.add (local.get $a1) (local.get $end)) (i32.add (local.get $x) (local.get $end)) (local.get $odd)))
        (call $storeRow (i32.add (local.get $py) (i32.const 16)) (local.get $beta)
          (call $hsumTail (local.get $s2) (i32.add (local.get $a2) (local.get $end)) (i32.add (local.get $x) (local.get $end)) (local.get $odd)))
        (call $storeRow (i32.add (local.get $py) (i32.const 24)) (local.get $beta)
          (call $hsumTail (local.get $s3) (i32.add (local.get $a3) (local.get $end)) (i32.add (local.get $x) (local.get $end)) (local.get $odd)))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (br $rows)))
    ;; the last M % 4 rows, one at a time
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $m) (local.get $M)))
        (call $storeRow (i32.add (local.get $y) (i32.shl (local.get $m) (i32.const 3))) (local.get $beta)
          (call $dot (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $ldaB))) (local.get $x) (local.get $K)))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $tail))))

  ;; *p = v (beta 0) or *p += v (beta 1)
  (func $storeRow (param $p i32) (param $beta i32) (param $v f64)
    (if (local.get $beta)
      (then (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $v))))
      (else (f64.store (local.get $p) (local.get $v)))))

  ;; y (K) = A^T · x, A: (M, K; lda), x: (M); overwrites y. Walks A by rows, four at a time, and
  ;; adds d0*a0 + d1*a1 + d2*a2 + d3*a3 to y in the same order as the JavaScript kernel.
  (func (export "gemvT") (param $y i32) (param $a i32) (param $x i32)
        (param $M i32) (param $K i32) (param $lda i32)
    (local $m i32) (local $M4 i32) (local $ldaB i32) (local $o i32) (local $end i32) (local $endAll i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $py i32)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128) (local $t v128)
    (local.set $ldaB (i32.shl (local.get $lda) (i32.const 3)))
    (local.set $M4 (i32.and (local.get $M) (i32.const -4)))
    (local.set $end (i32.shl (i32.and (local.get $K) (i32.const -2)) (i32.const 3)))
    (local.set $endAll (i32.shl (local.get $K) (i32.const 3)))
    (memory.fill (local.get $y) (i32.const 0) (local.get $endAll))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $m) (local.get $M4)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $ldaB))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $ldaB)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $ldaB)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $ldaB)))
        (local.set $py (i32.add (local.get $x) (i32.shl (local.get $m) (i32.const 3))))
        (local.set $d0 (v128.load64_splat (local.get $py)))
        (local.set $d1 (v128.load64_splat (i32.add (local.get $py) (i32.const 8))))
        (local.set $d2 (v128.load64_splat (i32.add (local.get $py) (i32.const 16))))
        (local.set $d3 (v128.load64_splat (i32.add (local.get $py) (i32.const 24))))
        (local.set $o (i32.const 0))
        (block $kDone
          (loop $k
            (br_if $kDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $t (f64x2.mul (local.get $d0) (v128.load (i32.add (local.get $a0) (local.get $o)))))
            (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $d1) (v128.load (i32.add (local.get $a1) (local.get $o))))))
            (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $d2) (v128.load (i32.add (local.get $a2) (local.get $o))))))
            (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $d3) (v128.load (i32.add (local.get $a3) (local.get $o))))))
            (local.set $py (i32.add (local.get $y) (local.get $o)))
            (v128.store (local.get $py) (f64x2.add (v128.load (local.get $py)) (local.get $t)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $k)))
        (if (i32.lt_u (local.get $end) (local.get $endAll))
          (then
            (local.set $py (i32.add (local.get $y) (local.get $end)))
            (f64.store (local.get $py) (f64.add (f64.load (local.get $py))
              (f64.add (f64.add (f64.add
                (f64.mul (f64x2.extract_lane 0 (local.get $d0)) (f64.load (i32.add (local.get $a0) (local.get $end))))
                (f64.mul (f64x2.extract_lane 0 (local.get $d1)) (f64.load (i32.add (local.get $a1) (local.get $end)))))
                (f64.mul (f64x2.extract_lane 0 (local.get $d2)) (f64.load (i32.add (local.get $a2) (local.get $end)))))
                (f64.mul (f64x2.extract_lane 0 (local.get $d3)) (f64.load (i32.add (local.get $a3) (local.get $end)))))))))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (br $rows)))
    ;; the last M % 4 rows: y += d*a_m
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $m) (local.get $M)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $ldaB))))
        (local.set $d0 (v128.load64_splat (i32.add (local.get $x) (i32.shl (local.get $m) (i32.const 3)))))
        (local.set $o (i32.const 0))
        (block $kDone
          (loop $k
            (br_if $kDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $py (i32.add (local.get $y) (local.get $o)))
            (v128.store (local.get $py) (f64x2.add (v128.load (local.get $py))
              (f64x2.mul (local.get $d0) (v128.load (i32.add (local.get $a0) (local.get $o))))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $k)))
        (if (i32.lt_u (local.get $end) (local.get $endAll))
          (then
            (local.set $py (i32.add (local.get $y) (local.get $end)))
            (f64.store (local.get $py) (f64.add (f64.load (local.get $py))
              (f64.mul (f64x2.extract_lane 0 (local.get $d0)) (f64.load (i32.add (local.get $a0) (local.get $end))))))))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $tail))))

  ;; C (M, N; ldc) += A (M, K; lda) · B (N, K; ldb)^T, in 4x2 register tiles of f64x2 accumulators
  ;; along k, whose epilogue is written out (no calls). K must be even: the caller (wasmKernels.ts)
  ;; pads the rows of its copies of A and B with a zero, and splits large products into cache blocks.
  (func (export "gemmNT") (param $c i32) (param $a i32) (param $b i32)
        (param $M i32) (param $N i32) (param $K i32) (param $lda i32) (param $ldb i32) (param $ldc i32)
    (local $m i32) (local $n i32) (local $M4 i32) (local $N2 i32) (local $o i32) (local $end i32) (local $p i32)
    (local $ldaB i32) (local $ldbB i32) (local $ldcB i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $b0 i32) (local $b1 i32)
    (local $c0 i32) (local $pc i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $x0 v128) (local $x1 v128) (local $v v128)
    (local.set $ldaB (i32.shl (local.get $lda) (i32.const 3)))
    (local.set $ldbB (i32.shl (local.get $ldb) (i32.const 3)))
    (local.set $ldcB (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $M4 (i32.and (local.get $M) (i32.const -4)))
    (local.set $N2 (i32.and (local.get $N) (i32.const -2)))
    (local.set $end (i32.shl (local.get $K) (i32.const 3)))
    (block $mDone
      (loop $mLoop
        (br_if $mDone (i32.ge_u (local.get $m) (local.get $M4)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $ldaB))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $ldaB)))
        (local.set $a2 (i32.add (local.get $a1) (local.get $ldaB)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $ldaB)))
        (local.set $c0 (i32.add (local.get $c) (i32.mul (local.get $m) (local.get $ldcB))))
        (local.set $n (i32.const 0))
        (block $nDone
          (loop $nLoop
            (br_if $nDone (i32.ge_u (local.get $n) (local.get $N2)))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $n) (local.get $ldbB))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $ldbB)))
            (local.set $s00 (v128.const f64x2 0 0)) (local.set $s01 (v128.const f64x2 0 0))
            (local.set $s10 (v128.const f64x2 0 0)) (local.set $s11 (v128.const f64x2 0 0))
            (local.set $s20 (v128.const f64x2 0 0)) (local.set $s21 (v128.const f64x2 0 0))
            (local.set $s30 (v128.const f64x2 0 0)) (local.set $s31 (v128.const f64x2 0 0))
            (local.set $o (i32.const 0))
            (block $kDone
              (loop $k
                (br_if $kDone (i32.ge_u (local.get $o) (local.get $end)))
                (local.set $x0 (v128.load (i32.add (local.get $b0) (local.get $o))))
                (local.set $x1 (v128.load (i32.add (local.get $b1) (local.get $o))))
                (local.set $v (v128.load (i32.add (local.get $a0) (local.get $o))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $v) (local.get $x0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $v) (local.get $x1))))
                (local.set $v (v128.load (i32.add (local.get $a1) (local.get $o))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $v) (local.get $x0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $v) (local.get $x1))))
                (local.set $v (v128.load (i32.add (local.get $a2) (local.get $o))))
                (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $v) (local.get $x0))))
                (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $v) (local.get $x1))))
                (local.set $v (v128.load (i32.add (local.get $a3) (local.get $o))))
                (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $v) (local.get $x0))))
                (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $v) (local.get $x1))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (br $k)))
            (local.set $pc (i32.add (local.get $c0) (i32.shl (local.get $n) (i32.const 3))))
            (local.set $p (local.get $pc))
            (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.add (f64x2.extract_lane 0 (local.get $s00)) (f64x2.extract_lane 1 (local.get $s00)))))
            (local.set $p (i32.add (local.get $pc) (i32.const 8)))
            (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01)))))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldcB)))
            (local.set $p (local.get $pc))
            (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.add (f64x2.extract_lane 0 (local.get $s10)) (f64x2.extract_lane 1 (local.get $s10)))))
            (local.set $p (i32.add (local.get $pc) (i32.const 8)))
            (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.add (f64x2.extract_lane 0 (local.get $s11)) (f64x2.extract_lane 1 (local.get $s11)))))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldcB)))
            (local.set $p (local.get $pc))
            (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.add (f64x2.extract_lane 0 (local.get $s20)) (f64x2.extract_lane 1 (local.get $s20)))))
            (local.set $p (i32.add (local.get $pc) (i32.const 8)))
            (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.add (f64x2.extract_lane 0 (local.get $s21)) (f64x2.extract_lane 1 (local.get $s21)))))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldcB)))
            (local.set $p (local.get $pc))
            (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.add (f64x2.extract_lane 0 (local.get $s30)) (f64x2.extract_lane 1 (local.get $s30)))))
            (local.set $p (i32.add (local.get $pc) (i32.const 8)))
            (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (f64.add (f64x2.extract_lane 0 (local.get $s31)) (f64x2.extract_lane 1 (local.get $s31)))))
            (local.set $n (i32.add (local.get $n) (i32.const 2)))
            (br $nLoop)))
        ;; an odd last column of C for these four rows
        (if (i32.lt_u (local.get $N2) (local.get $N))
          (then
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $N2) (local.get $ldbB))))
            (local.set $pc (i32.add (local.get $c0) (i32.shl (local.get $N2) (i32.const 3))))
            (call $addTo (local.get $pc) (call $dot (local.get $a0) (local.get $b0) (local.get $K)))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldcB)))
            (call $addTo (local.get $pc) (call $dot (local.get $a1) (local.get $b0) (local.get $K)))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldcB)))
            (call $addTo (local.get $pc) (call $dot (local.get $a2) (local.get $b0) (local.get $K)))
            (local.set $pc (i32.add (local.get $pc) (local.get $ldcB)))
            (call $addTo (local.get $pc) (call $dot (local.get $a3) (local.get $b0) (local.get $K)))))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (br $mLoop)))
    ;; the last M % 4 rows of C, one dot product per element
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $m) (local.get $M)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $ldaB))))
        (local.set $c0 (i32.add (local.get $c) (i32.mul (local.get $m) (local.get $ldcB))))
        (local.set $n (i32.const 0))
        (block $nDone2
          (loop $nLoop2
            (br_if $nDone2 (i32.ge_u (local.get $n) (local.get $N)))
            (call $addTo (i32.add (local.get $c0) (i32.shl (local.get $n) (i32.const 3)))
              (call $dot (local.get $a0) (i32.add (local.get $b) (i32.mul (local.get $n) (local.get $ldbB))) (local.get $K)))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $nLoop2)))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $tail))))

  ;; *p += v
  (func $addTo (param $p i32) (param $v f64)
    (f64.store (local.get $p) (f64.add (f64.load (local.get $p)) (local.get $v))))
)
