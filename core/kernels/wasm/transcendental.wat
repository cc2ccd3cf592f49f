;; exp, sigmoid and tanh in 128-bit WebAssembly SIMD, two values a vector, over
;; contiguous float64 or float32 arrays: the loops of core/kernels/elementwise.ts,
;; bit for bit. Those loops call V8's Math.exp and Math.expm1, which are fdlibm's
;; e_exp.c and s_expm1.c (V8's src/base/ieee754.cc). The lanes here run the same
;; algorithms, operation for operation, with fdlibm's branches turned into
;; selects:
;;
;;  exp(x):  k = trunc(x / ln2 +- 1/2) when |x| > ln2 / 2, else 0 (fdlibm's branch
;;           for ln2 / 2 < |x| < 3 ln2 / 2, k = +-1, gives the same operands);
;;           r = (x - k ln2_hi) - k ln2_lo, c = r - r^2 P(r^2),
;;           exp(x) = 2^k (1 - ((k ln2_lo - r c / (2 - c)) - (x - k ln2_hi))).
;;           With k = 0 this is fdlibm's k = 0 form: hi = x, lo = 0, 2^k = 1.
;;           exp(1) is E and |x| < 2^-28 gives 1 + x, as fdlibm special-cases.
;;  expm1(x): the same reduction (with c = (hi - r) - lo), R(r^2 / 2), and one of
;;           fdlibm's seven closing forms, chosen by k lane by lane.
;;
;; A vector with a lane outside the range these formulas cover (exp: |x| >= 708,
;; where 2^k leaves the normal range; expm1: |x| >= 56 ln2; NaN) is computed again
;; by calling the imported Math.exp or Math.expm1 on each lane. tests/core/
;; kernels-wasm-transcendental.test.ts holds the lanes to V8's functions on
;; special values, on every branch boundary and its neighbours, and at random.
;;
;; float32 values are read as float64 and each result rounded once, as V8's loop
;; over a Float32Array does. The last value of an odd length takes a vector of its
;; own with a zero beside it. The caller (core/kernels/wasm/elementwise.ts)
;; copies the input in and the output out; the memory is imported as gemm.wat's.
(module
  (import "env" "memory" (memory 1 16384 @SHARED@))
  (import "env" "exp" (func $mathExp (param f64) (result f64)))
  (import "env" "expm1" (func $mathExpm1 (param f64) (result f64)))

  ;; o[i] = exp(a[i]) (sigmoid = 0), or sigmoid(a[i]) (sigmoid = 1) in the JS loop's form:
  ;; e = exp(-|x|), m = [x >= 0], (m + (1 - m) e) / (1 + e).
  (func $expLoop (param $a i32) (param $o i32) (param $n i32) (param $f32 i32) (param $sigmoid i32)
    (local $i i32) (local $two i32) (local $step i32)
    (local $x v128) (local $v v128) (local $ax v128) (local $t v128) (local $hi v128) (local $lo v128)
    (local $r v128) (local $z v128) (local $c v128) (local $y v128)
    ;; Bytes per vector of two values.
    (local.set $step (select (i32.const 8) (i32.const 16) (local.get $f32)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $two (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
      (local.set $x (if (result v128) (local.get $f32)
        (then (f64x2.promote_low_f32x4 (if (result v128) (local.get $two)
          (then (v128.load64_zero align=4 (local.get $a))) (else (v128.load32_zero align=4 (local.get $a))))))
        (else (if (result v128) (local.get $two)
          (then (v128.load align=8 (local.get $a))) (else (v128.load64_zero align=8 (local.get $a)))))))
      (local.set $v (if (result v128) (local.get $sigmoid)
        (then (f64x2.neg (f64x2.abs (local.get $x)))) (else (local.get $x))))
      (local.set $ax (f64x2.abs (local.get $v)))
      ;; k as a double: trunc(v / ln2 + copysign(1/2, v)) where |v| > ln2 / 2, else 0.
      (local.set $t (v128.and
        (f64x2.trunc (f64x2.add (f64x2.mul (local.get $v) (v128.const f64x2 0x1.71547652b82fep+0 0x1.71547652b82fep+0))
          (v128.or (v128.const f64x2 0.5 0.5) (v128.and (local.get $v) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))))
        (f64x2.ge (local.get $ax) (v128.const i64x2 0x3fd62e4300000000 0x3fd62e4300000000))))
      (local.set $hi (f64x2.sub (local.get $v) (f64x2.mul (local.get $t) (v128.const i64x2 0x3fe62e42fee00000 0x3fe62e42fee00000))))
      (local.set $lo (f64x2.mul (local.get $t) (v128.const i64x2 0x3dea39ef35793c76 0x3dea39ef35793c76)))
      (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
      (local.set $z (f64x2.mul (local.get $r) (local.get $r)))
      (local.set $c (f64x2.sub (local.get $r) (f64x2.mul (local.get $z)
        (f64x2.add (v128.const i64x2 0x3fc555555555553e 0x3fc555555555553e) (f64x2.mul (local.get $z)
        (f64x2.add (v128.const i64x2 0xbf66c16c16bebd93 0xbf66c16c16bebd93) (f64x2.mul (local.get $z)
        (f64x2.add (v128.const i64x2 0x3f11566aaf25de2c 0x3f11566aaf25de2c) (f64x2.mul (local.get $z)
        (f64x2.add (v128.const i64x2 0xbebbbd41c5d26bf1 0xbebbbd41c5d26bf1) (f64x2.mul (local.get $z)
          (v128.const i64x2 0x3e66376972bea4d0 0x3e66376972bea4d0))))))))))))
      (local.set $y (f64x2.sub (v128.const f64x2 1 1) (f64x2.sub
        (f64x2.sub (local.get $lo) (f64x2.div (f64x2.mul (local.get $r) (local.get $c))
          (f64x2.sub (v128.const f64x2 2 2) (local.get $c))))
        (local.get $hi))))
      ;; times 2^k, built in the exponent field.
      (local.set $y (f64x2.mul (local.get $y) (i64x2.shl (i64x2.add
        (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $t))) (v128.const i64x2 1023 1023))
        (i32.const 52))))
      (local.set $y (v128.bitselect (v128.const i64x2 0x4005bf0a8b145769 0x4005bf0a8b145769) (local.get $y)
        (f64x2.eq (local.get $v) (v128.const f64x2 1 1))))
      (local.set $y (v128.bitselect (f64x2.add (v128.const f64x2 1 1) (local.get $v)) (local.get $y)
        (f64x2.lt (local.get $ax) (v128.const i64x2 0x3e30000000000000 0x3e30000000000000))))
      (if (v128.any_true (v128.not (f64x2.lt (local.get $ax) (v128.const f64x2 708 708))))
        (then (local.set $y (f64x2.replace_lane 1
          (f64x2.splat (call $mathExp (f64x2.extract_lane 0 (local.get $v))))
          (call $mathExp (f64x2.extract_lane 1 (local.get $v)))))))
      (if (local.get $sigmoid) (then
        (local.set $c (v128.and (f64x2.ge (local.get $x) (v128.const f64x2 0 0)) (v128.const f64x2 1 1)))
        (local.set $y (f64x2.div
          (f64x2.add (local.get $c) (f64x2.mul (f64x2.sub (v128.const f64x2 1 1) (local.get $c)) (local.get $y)))
          (f64x2.add (v128.const f64x2 1 1) (local.get $y))))))
      (call $store (local.get $o) (local.get $y) (local.get $f32) (local.get $two))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (local.set $a (i32.add (local.get $a) (local.get $step)))
      (local.set $o (i32.add (local.get $o) (local.get $step)))
      (br $next))))

  ;; o[i] = tanh(a[i]) in the JS loop's form: 1 when x > 20, else e / (e + 2) with e = expm1(2x).
  (func $tanhLoop (param $a i32) (param $o i32) (param $n i32) (param $f32 i32)
    (local $i i32) (local $two i32) (local $step i32)
    (local $x v128) (local $v v128) (local $ax v128) (local $t v128) (local $hi v128) (local $lo v128)
    (local $r v128) (local $c v128) (local $h v128) (local $s v128) (local $q v128) (local $e v128)
    (local $f v128) (local $p v128) (local $pm v128) (local $y v128)
    (local.set $step (select (i32.const 8) (i32.const 16) (local.get $f32)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $two (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
      (local.set $x (if (result v128) (local.get $f32)
        (then (f64x2.promote_low_f32x4 (if (result v128) (local.get $two)
          (then (v128.load64_zero align=4 (local.get $a))) (else (v128.load32_zero align=4 (local.get $a))))))
        (else (if (result v128) (local.get $two)
          (then (v128.load align=8 (local.get $a))) (else (v128.load64_zero align=8 (local.get $a)))))))
      (local.set $v (f64x2.add (local.get $x) (local.get $x)))
      (local.set $ax (f64x2.abs (local.get $v)))
      (local.set $t (v128.and
        (f64x2.trunc (f64x2.add (f64x2.mul (local.get $v) (v128.const f64x2 0x1.71547652b82fep+0 0x1.71547652b82fep+0))
          (v128.or (v128.const f64x2 0.5 0.5) (v128.and (local.get $v) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))))
        (f64x2.ge (local.get $ax) (v128.const i64x2 0x3fd62e4300000000 0x3fd62e4300000000))))
      (local.set $hi (f64x2.sub (local.get $v) (f64x2.mul (local.get $t) (v128.const i64x2 0x3fe62e42fee00000 0x3fe62e42fee00000))))
      (local.set $lo (f64x2.mul (local.get $t) (v128.const i64x2 0x3dea39ef35793c76 0x3dea39ef35793c76)))
      (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
      (local.set $c (f64x2.sub (f64x2.sub (local.get $hi) (local.get $r)) (local.get $lo)))
      ;; hfx = r / 2, hxs = r hfx, r1 = 1 + hxs Q(hxs), t = 3 - r1 hfx, e = hxs (r1 - t) / (6 - r t).
      (local.set $h (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $r)))
      (local.set $s (f64x2.mul (local.get $r) (local.get $h)))
      (local.set $q (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $s)
        (f64x2.add (v128.const i64x2 0xbfa11111111110f4 0xbfa11111111110f4) (f64x2.mul (local.get $s)
        (f64x2.add (v128.const i64x2 0x3f5a01a019fe5585 0x3f5a01a019fe5585) (f64x2.mul (local.get $s)
        (f64x2.add (v128.const i64x2 0xbf14ce199eaadbb7 0xbf14ce199eaadbb7) (f64x2.mul (local.get $s)
        (f64x2.add (v128.const i64x2 0x3ed0cfca86e65239 0x3ed0cfca86e65239) (f64x2.mul (local.get $s)
          (v128.const i64x2 0xbe8afdb76e09c32d 0xbe8afdb76e09c32d))))))))))))
      (local.set $f (f64x2.sub (v128.const f64x2 3 3) (f64x2.mul (local.get $q) (local.get $h))))
      (local.set $e (f64x2.mul (local.get $s) (f64x2.div (f64x2.sub (local.get $q) (local.get $f))
        (f64x2.sub (v128.const f64x2 6 6) (f64x2.mul (local.get $r) (local.get $f))))))
      ;; e = (r (e - c) - c) - hxs; f = r - e, the k = 0 form.
      (local.set $e (f64x2.sub (f64x2.sub (f64x2.mul (local.get $r) (f64x2.sub (local.get $e) (local.get $c)))
        (local.get $c)) (local.get $s)))
      (local.set $f (f64x2.sub (local.get $r) (local.get $e)))
      ;; 2^k and 2^-k in the exponent field.
      (local.set $p (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $t))))
      (local.set $pm (i64x2.shl (i64x2.sub (v128.const i64x2 1023 1023) (local.get $p)) (i32.const 52)))
      (local.set $p (i64x2.shl (i64x2.add (local.get $p) (v128.const i64x2 1023 1023)) (i32.const 52)))
      ;; fdlibm's closing forms, the later selects taking precedence:
      ;; 20 <= k: ((r - (e + 2^-k)) + 1) 2^k; 2 <= k < 20: ((1 - 2^-k) - (e - r)) 2^k;
      ;; k <= -2: (1 - (e - r)) 2^k - 1; k = 1: -2 (e - (r + 1/2)) if r < -1/4, else 1 + 2 (r - e);
      ;; k = -1: (r - e) / 2 - 1/2; k = 0: r - e.
      (local.set $y (f64x2.mul (f64x2.add (f64x2.sub (local.get $r) (f64x2.add (local.get $e) (local.get $pm)))
        (v128.const f64x2 1 1)) (local.get $p)))
      (local.set $y (v128.bitselect
        (f64x2.mul (f64x2.sub (f64x2.sub (v128.const f64x2 1 1) (local.get $pm)) (f64x2.sub (local.get $e) (local.get $r)))
          (local.get $p))
        (local.get $y) (f64x2.lt (local.get $t) (v128.const f64x2 20 20))))
      (local.set $y (v128.bitselect
        (f64x2.sub (f64x2.mul (f64x2.sub (v128.const f64x2 1 1) (f64x2.sub (local.get $e) (local.get $r))) (local.get $p))
          (v128.const f64x2 1 1))
        (local.get $y) (f64x2.le (local.get $t) (v128.const f64x2 -2 -2))))
      (local.set $y (v128.bitselect
        (v128.bitselect
          (f64x2.mul (v128.const f64x2 -2 -2) (f64x2.sub (local.get $e) (f64x2.add (local.get $r) (v128.const f64x2 0.5 0.5))))
          (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (v128.const f64x2 2 2) (local.get $f)))
          (f64x2.lt (local.get $r) (v128.const f64x2 -0.25 -0.25)))
        (local.get $y) (f64x2.eq (local.get $t) (v128.const f64x2 1 1))))
      (local.set $y (v128.bitselect
        (f64x2.sub (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $f)) (v128.const f64x2 0.5 0.5))
        (local.get $y) (f64x2.eq (local.get $t) (v128.const f64x2 -1 -1))))
      (local.set $y (v128.bitselect (local.get $f) (local.get $y) (f64x2.eq (local.get $t) (v128.const f64x2 0 0))))
      ;; |2x| < 2^-54: expm1 is 2x itself.
      (local.set $y (v128.bitselect (local.get $v) (local.get $y)
        (f64x2.lt (local.get $ax) (v128.const i64x2 0x3c90000000000000 0x3c90000000000000))))
      (if (v128.any_true (v128.not (f64x2.lt (local.get $ax) (v128.const i64x2 0x4043687a00000000 0x4043687a00000000))))
        (then (local.set $y (f64x2.replace_lane 1
          (f64x2.splat (call $mathExpm1 (f64x2.extract_lane 0 (local.get $v))))
          (call $mathExpm1 (f64x2.extract_lane 1 (local.get $v)))))))
      (local.set $y (v128.bitselect (v128.const f64x2 1 1)
        (f64x2.div (local.get $y) (f64x2.add (local.get $y) (v128.const f64x2 2 2)))
        (f64x2.gt (local.get $x) (v128.const f64x2 20 20))))
      (call $store (local.get $o) (local.get $y) (local.get $f32) (local.get $two))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (local.set $a (i32.add (local.get $a) (local.get $step)))
      (local.set $o (i32.add (local.get $o) (local.get $step)))
      (br $next))))

  ;; Stores two results at o (or the first alone), rounded to float32 when f32.
  (func $store (param $o i32) (param $y v128) (param $f32 i32) (param $two i32)
    (if (local.get $f32)
      (then
        (local.set $y (f32x4.demote_f64x2_zero (local.get $y)))
        (if (local.get $two)
          (then (v128.store64_lane align=4 0 (local.get $o) (local.get $y)))
          (else (v128.store32_lane align=4 0 (local.get $o) (local.get $y)))))
      (else
        (if (local.get $two)
          (then (v128.store align=8 (local.get $o) (local.get $y)))
          (else (v128.store64_lane align=8 0 (local.get $o) (local.get $y)))))))

  (func (export "exp64") (param $a i32) (param $o i32) (param $n i32)
    (call $expLoop (local.get $a) (local.get $o) (local.get $n) (i32.const 0) (i32.const 0)))
  (func (export "exp32") (param $a i32) (param $o i32) (param $n i32)
    (call $expLoop (local.get $a) (local.get $o) (local.get $n) (i32.const 1) (i32.const 0)))
  (func (export "sigmoid64") (param $a i32) (param $o i32) (param $n i32)
    (call $expLoop (local.get $a) (local.get $o) (local.get $n) (i32.const 0) (i32.const 1)))
  (func (export "sigmoid32") (param $a i32) (param $o i32) (param $n i32)
    (call $expLoop (local.get $a) (local.get $o) (local.get $n) (i32.const 1) (i32.const 1)))
  (func (export "tanh64") (param $a i32) (param $o i32) (param $n i32)
    (call $tanhLoop (local.get $a) (local.get $o) (local.get $n) (i32.const 0)))
  (func (export "tanh32") (param $a i32) (param $o i32) (param $n i32)
    (call $tanhLoop (local.get $a) (local.get $o) (local.get $n) (i32.const 1))))
