;; Warden's kernel: the host-owned memory that Extism handles point into.
;;
;; Guests call the exports without a prefix wasm-to-wasm (they are linked straight into the guest's
;; `extism:host/env` imports). The host calls the `warden_*` exports, from the worker and from a
;; second instance on the main thread over the same shared memory; that is why every piece of
;; allocator state lives in memory and none in globals. Calls never overlap: the main thread only
;; touches the kernel while the worker is idle or blocked in a host call.
;;
;; Layout (byte offsets):
;;   0..7     reserved so that handle 0 is never a block
;;   8        position      i64  bytes used in the block area
;;   24       error         i64  handle of the error message, 0 when none
;;   32       input_offset  i64
;;   40       input_length  i64
;;   48       output_offset i64
;;   56       output_length i64
;;   64       free_count    i32  blocks currently marked free (skips the scan when 0)
;;   68       fault         i32  why the kernel trapped (see FAULT_*), 0 when it did not
;;   72       fault_arg     i64  the offending handle
;;   80       alloc_failed  i32  1 once an allocation failed for lack of memory in this call
;;   128      block area: [header 16 bytes | data rounded up to 8] ...
;;   header:  +0 status i32, +4 size i32 (data capacity), +8 used i32 (requested length)
;;
;; A guest may forge headers with store_u64; that can only confuse its own allocations, because
;; every walk is bounded by `position` and every access by the memory size.
(module
  (import "env" "memory" (memory $mem 1 65536 shared))

  (global $BLOCKS i32 (i32.const 128))
  (global $ACTIVE i32 (i32.const 0x57A10001))
  (global $FREE i32 (i32.const 0x57A10002))
  (global $FAULT_LOAD i32 (i32.const 1))
  (global $FAULT_STORE i32 (i32.const 2))
  (global $FAULT_OUTPUT i32 (i32.const 3))
  (global $FAULT_ERROR i32 (i32.const 4))

  ;; ---- internal helpers -------------------------------------------------------------------

  (func $mem_bytes (result i64)
    (i64.shl (i64.extend_i32_u (memory.size)) (i64.const 16)))

  (func $block_end (result i32)
    (i32.add (global.get $BLOCKS) (i32.wrap_i64 (i64.load (i32.const 8)))))

  (func $fault (param $code i32) (param $arg i64)
    (i32.store (i32.const 68) (local.get $code))
    (i64.store (i32.const 72) (local.get $arg))
    unreachable)

  ;; Header address of the active block whose data starts at $p, or 0.
  (func $valid_block (param $p i64) (result i32)
    (local $h i32)
    (if (i64.lt_u (local.get $p) (i64.extend_i32_u (i32.add (global.get $BLOCKS) (i32.const 16))))
      (then (return (i32.const 0))))
    (if (i64.gt_u (local.get $p) (i64.extend_i32_u (call $block_end)))
      (then (return (i32.const 0))))
    (local.set $h (i32.sub (i32.wrap_i64 (local.get $p)) (i32.const 16)))
    (if (i32.ne (i32.load (local.get $h)) (global.get $ACTIVE))
      (then (return (i32.const 0))))
    ;; the header must describe a block that ends inside the used area
    (if (i64.gt_u
          (i64.add (i64.extend_i32_u (local.get $h))
                   (i64.add (i64.const 16) (i64.extend_i32_u (i32.load offset=4 (local.get $h)))))
          (i64.extend_i32_u (call $block_end)))
      (then (return (i32.const 0))))
    (local.get $h))

  ;; Bounds check for a guest access of $width bytes at $p.
  (func $check (param $p i64) (param $width i64) (param $code i32)
    (if (i32.or
          (i64.lt_u (local.get $p) (i64.extend_i32_u (global.get $BLOCKS)))
          (i64.gt_u (i64.add (local.get $p) (local.get $width)) (call $mem_bytes)))
      (then (call $fault (local.get $code) (local.get $p)))))

  ;; Allocate $n bytes (n > 0); returns the data address or 0 when memory cannot grow.
  (func $alloc32 (param $n i32) (result i32)
    (local $size i32) (local $b i32) (local $end i32) (local $sz i32) (local $nb i32)
    (local $need i64) (local $pages i64)
    (local.set $size (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8)))
    (local.set $end (call $block_end))
    ;; first fit over freed blocks
    (if (i32.gt_u (i32.load (i32.const 64)) (i32.const 0))
      (then
        (local.set $b (global.get $BLOCKS))
        (block $done
          (loop $scan
            (br_if $done (i32.ge_u (local.get $b) (local.get $end)))
            (local.set $sz (i32.load offset=4 (local.get $b)))
            (if (i32.and (i32.eq (i32.load (local.get $b)) (global.get $FREE))
                         (i32.ge_u (local.get $sz) (local.get $size)))
              (then
                (if (i32.ge_u (i32.sub (local.get $sz) (local.get $size)) (i32.const 128))
                  (then
                    ;; split: the head stays free, the tail becomes the new block
                    (i32.store offset=4 (local.get $b)
                      (i32.sub (i32.sub (local.get $sz) (local.get $size)) (i32.const 16)))
                    (local.set $nb (i32.add (local.get $b)
                      (i32.add (i32.const 16) (i32.load offset=4 (local.get $b)))))
                    (i32.store (local.get $nb) (global.get $ACTIVE))
                    (i32.store offset=4 (local.get $nb) (local.get $size))
                    (i32.store offset=8 (local.get $nb) (local.get $n))
                    (memory.fill (i32.add (local.get $nb) (i32.const 16)) (i32.const 0) (local.get $size))
                    (return (i32.add (local.get $nb) (i32.const 16)))))
                (i32.store (local.get $b) (global.get $ACTIVE))
                (i32.store offset=8 (local.get $b) (local.get $n))
                (i32.store (i32.const 64) (i32.sub (i32.load (i32.const 64)) (i32.const 1)))
                (memory.fill (i32.add (local.get $b) (i32.const 16)) (i32.const 0) (local.get $sz))
                (return (i32.add (local.get $b) (i32.const 16)))))
            (local.set $b (i32.add (local.get $b) (i32.add (i32.const 16) (local.get $sz))))
            (br $scan)))))
    ;; bump, growing memory when needed
    (local.set $need (i64.add (i64.extend_i32_u (local.get $end))
                              (i64.add (i64.const 16) (i64.extend_i32_u (local.get $size)))))
    (if (i64.gt_u (local.get $need) (call $mem_bytes))
      (then
        (local.set $pages (i64.shr_u (i64.add (i64.sub (local.get $need) (call $mem_bytes))
                                              (i64.const 65535))
                                     (i64.const 16)))
        (if (i32.eq (memory.grow (i32.wrap_i64 (local.get $pages))) (i32.const -1))
          (then
            (i32.store (i32.const 80) (i32.const 1))
            (return (i32.const 0))))))
    (i32.store (local.get $end) (global.get $ACTIVE))
    (i32.store offset=4 (local.get $end) (local.get $size))
    (i32.store offset=8 (local.get $end) (local.get $n))
    (i64.store (i32.const 8)
      (i64.add (i64.load (i32.const 8)) (i64.extend_i32_u (i32.add (i32.const 16) (local.get $size)))))
    (i32.add (local.get $end) (i32.const 16)))

  ;; ---- guest-facing ABI (extism:host/env) --------------------------------------------------

  (func (export "alloc") (param $n i64) (result i64)
    (if (i64.eqz (local.get $n)) (then (return (i64.const 0))))
    ;; anything near 4 GiB can never fit under the memory cap
    (if (i64.gt_u (local.get $n) (i64.const 0xFFFF0000))
      (then
        (i32.store (i32.const 80) (i32.const 1))
        (return (i64.const 0))))
    (i64.extend_i32_u (call $alloc32 (i32.wrap_i64 (local.get $n)))))

  (func (export "free") (param $p i64)
    (local $h i32)
    (local.set $h (call $valid_block (local.get $p)))
    (if (i32.eqz (local.get $h)) (then (return)))
    (if (i64.eq (local.get $p) (i64.load (i32.const 32)))
      (then (i64.store (i32.const 40) (i64.const 0))))
    ;; the last block gives its bytes straight back to the bump pointer
    (if (i32.eq (i32.add (local.get $h) (i32.add (i32.const 16) (i32.load offset=4 (local.get $h))))
                (call $block_end))
      (then
        (memory.fill (local.get $h) (i32.const 0)
          (i32.add (i32.const 16) (i32.load offset=4 (local.get $h))))
        (i64.store (i32.const 8) (i64.extend_i32_u (i32.sub (local.get $h) (global.get $BLOCKS))))
        (return)))
    (i32.store (local.get $h) (global.get $FREE))
    (i32.store (i32.const 64) (i32.add (i32.load (i32.const 64)) (i32.const 1))))

  (func $length (export "length") (param $p i64) (result i64)
    (local $h i32)
    (local.set $h (call $valid_block (local.get $p)))
    (if (i32.eqz (local.get $h)) (then (return (i64.const 0))))
    (i64.extend_i32_u (i32.load offset=8 (local.get $h))))

  ;; Extism's unchecked variant; checking costs one comparison here, so both are safe.
  (func (export "length_unsafe") (param $p i64) (result i64)
    (call $length (local.get $p)))

  (func (export "load_u8") (param $p i64) (result i32)
    (call $check (local.get $p) (i64.const 1) (global.get $FAULT_LOAD))
    (i32.load8_u (i32.wrap_i64 (local.get $p))))

  (func (export "load_u64") (param $p i64) (result i64)
    (call $check (local.get $p) (i64.const 8) (global.get $FAULT_LOAD))
    (i64.load (i32.wrap_i64 (local.get $p))))

  (func (export "store_u8") (param $p i64) (param $v i32)
    (call $check (local.get $p) (i64.const 1) (global.get $FAULT_STORE))
    (i32.store8 (i32.wrap_i64 (local.get $p)) (local.get $v)))

  (func (export "store_u64") (param $p i64) (param $v i64)
    (call $check (local.get $p) (i64.const 8) (global.get $FAULT_STORE))
    (i64.store (i32.wrap_i64 (local.get $p)) (local.get $v)))

  (func (export "input_offset") (result i64) (i64.load (i32.const 32)))
  (func (export "input_length") (result i64) (i64.load (i32.const 40)))

  (func (export "input_load_u8") (param $i i64) (result i32)
    (if (i64.ge_u (local.get $i) (i64.load (i32.const 40))) (then (return (i32.const 0))))
    (i32.load8_u (i32.wrap_i64 (i64.add (i64.load (i32.const 32)) (local.get $i)))))

  (func (export "input_load_u64") (param $i i64) (result i64)
    (if (i64.gt_u (local.get $i) (i64.load (i32.const 40))) (then (return (i64.const 0))))
    (if (i64.gt_u (i64.add (local.get $i) (i64.const 8)) (i64.load (i32.const 40)))
      (then (return (i64.const 0))))
    (i64.load (i32.wrap_i64 (i64.add (i64.load (i32.const 32)) (local.get $i)))))

  (func (export "output_set") (param $p i64) (param $n i64)
    (local $h i32)
    (if (i64.eqz (local.get $n))
      (then
        (i64.store (i32.const 48) (i64.const 0))
        (i64.store (i32.const 56) (i64.const 0))
        (return)))
    (local.set $h (call $valid_block (local.get $p)))
    (if (i32.eqz (local.get $h)) (then (call $fault (global.get $FAULT_OUTPUT) (local.get $p))))
    (if (i64.gt_u (local.get $n) (i64.extend_i32_u (i32.load offset=8 (local.get $h))))
      (then (call $fault (global.get $FAULT_OUTPUT) (local.get $n))))
    (i64.store (i32.const 48) (local.get $p))
    (i64.store (i32.const 56) (local.get $n)))

  (func (export "error_set") (param $p i64)
    (if (i64.ne (local.get $p) (i64.const 0))
      (then
        (if (i32.eqz (call $valid_block (local.get $p)))
          (then (call $fault (global.get $FAULT_ERROR) (local.get $p))))))
    (i64.store (i32.const 24) (local.get $p)))

  (func (export "error_get") (result i64) (i64.load (i32.const 24)))

  ;; ---- host-facing (never linked into a guest) -----------------------------------------------

  ;; Start a call: zero everything the last call wrote, so nothing leaks from one call to the next.
  (func (export "warden_reset")
    (memory.fill (global.get $BLOCKS) (i32.const 0) (i32.wrap_i64 (i64.load (i32.const 8))))
    (memory.fill (i32.const 8) (i32.const 0) (i32.const 120)))

  (func (export "warden_alloc") (param $n i32) (result i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (if (i32.gt_u (local.get $n) (i32.const 0xFFFF0000)) (then (return (i32.const 0))))
    (call $alloc32 (local.get $n)))

  (func (export "warden_input_set") (param $p i32) (param $n i32)
    (i64.store (i32.const 32) (i64.extend_i32_u (local.get $p)))
    (i64.store (i32.const 40) (i64.extend_i32_u (local.get $n))))

  ;; Length of a valid block, or -1 (so that the host can tell "empty" from "not a block").
  (func (export "warden_length") (param $p i32) (result i32)
    (local $h i32)
    (local.set $h (call $valid_block (i64.extend_i32_u (local.get $p))))
    (if (i32.eqz (local.get $h)) (then (return (i32.const -1))))
    (i32.load offset=8 (local.get $h)))

  (func (export "warden_output_offset") (result i32) (i32.wrap_i64 (i64.load (i32.const 48))))
  (func (export "warden_output_length") (result i32) (i32.wrap_i64 (i64.load (i32.const 56))))
  (func (export "warden_error") (result i32) (i32.wrap_i64 (i64.load (i32.const 24))))
  (func (export "warden_fault") (result i32) (i32.load (i32.const 68)))
  (func (export "warden_fault_arg") (result i64) (i64.load (i32.const 72)))
  (func (export "warden_alloc_failed") (result i32) (i32.load (i32.const 80)))
)
