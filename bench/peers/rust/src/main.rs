//! crossbeam-peer: crossbeam-channel `bounded` in the harness shape shared with
//! vsem-channel-peer (C++) and go-peer (bench/peers/run.sh drives them all).
//!
//!   crossbeam-peer --producers P --capacity C --items N [--pin]
//!
//! P producer threads and P consumer threads (OS threads, std::thread);
//! producer p sends p+1, p+1+P, ... up to N (1..N in all), consumer c receives
//! a fixed share of N (they stop by count, not by disconnection). The sum of
//! everything received must equal N(N+1)/2, else the exit status is 1. With
//! --pin, producers are pinned to CPU 0 and consumers to CPU 1
//! (sched_setaffinity on each thread). The timed span starts when every thread
//! waits at a barrier and ends when the last consumer has finished. Prints one
//! line of JSON, the same fields as vsem-channel-peer.

use std::process::exit;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Instant;

use crossbeam_channel::bounded;

extern "C" {
    // glibc; pid 0 is the calling thread. No libc crate needed.
    fn sched_setaffinity(pid: i32, cpusetsize: usize, mask: *const u64) -> i32;
}

fn pin_to(cpu: u32) {
    let mask: [u64; 16] = {
        let mut m = [0u64; 16];
        m[(cpu / 64) as usize] = 1u64 << (cpu % 64);
        m
    };
    let rc = unsafe { sched_setaffinity(0, std::mem::size_of_val(&mask), mask.as_ptr()) };
    if rc != 0 {
        eprintln!(
            "crossbeam-peer: sched_setaffinity(CPU {}): {}",
            cpu,
            std::io::Error::last_os_error()
        );
        exit(2);
    }
}

fn usage(why: &str) -> ! {
    eprintln!("crossbeam-peer: {}", why);
    eprintln!("usage: crossbeam-peer --producers P --capacity C --items N [--pin]");
    exit(2);
}

fn number(text: Option<String>, flag: &str) -> u64 {
    match text.as_deref().map(str::parse::<u64>) {
        Some(Ok(v)) if v > 0 => v,
        _ => usage(&format!("{} wants a positive integer", flag)),
    }
}

fn main() {
    let (mut producers, mut capacity, mut items, mut pin) = (1u64, 64u64, 1_000_000u64, false);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--producers" => producers = number(args.next(), "--producers"),
            "--capacity" => capacity = number(args.next(), "--capacity"),
            "--items" => items = number(args.next(), "--items"),
            "--pin" => pin = true,
            _ => usage("unknown argument"),
        }
    }
    if producers > 64 || capacity > (1 << 30) || items > (1 << 32) {
        usage("--producers is 1..64, --capacity 1..2^30, --items 1..2^32");
    }

    let (tx, rx) = bounded::<u64>(capacity as usize);
    let start = Arc::new(Barrier::new(2 * producers as usize + 1));
    let sum = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for k in 0..producers {
        let (tx, start, failed) = (tx.clone(), start.clone(), failed.clone());
        threads.push(std::thread::spawn(move || {
            if pin {
                pin_to(0);
            }
            start.wait();
            let mut v = k + 1;
            while v <= items {
                if tx.send(v).is_err() {
                    failed.store(true, Ordering::SeqCst);
                    return;
                }
                v += producers;
            }
        }));
    }
    for k in 0..producers {
        let share = items / producers + u64::from(k < items % producers);
        let (rx, start, sum, failed) = (rx.clone(), start.clone(), sum.clone(), failed.clone());
        threads.push(std::thread::spawn(move || {
            if pin {
                pin_to(1);
            }
            start.wait();
            let mut local = 0u64;
            for _ in 0..share {
                match rx.recv() {
                    Ok(v) => local += v,
                    Err(_) => {
                        failed.store(true, Ordering::SeqCst);
                        return;
                    }
                }
            }
            sum.fetch_add(local, Ordering::SeqCst);
        }));
    }
    drop((tx, rx));
    start.wait();
    let t0 = Instant::now();
    for t in threads {
        t.join().expect("a thread panicked");
    }
    let seconds = t0.elapsed().as_secs_f64();
    let expected = items * (items + 1) / 2;
    let got = sum.load(Ordering::SeqCst);
    let ok = !failed.load(Ordering::SeqCst) && got == expected;
    println!(
        "{{\"system\": \"crossbeam\", \"producers\": {}, \"consumers\": {}, \"capacity\": {}, \
         \"items\": {}, \"pinned\": {}, \"threads\": \"os\", \"seconds\": {:.6}, \
         \"mitems_per_s\": {:.4}, \"checksum_ok\": {}}}",
        producers,
        producers,
        capacity,
        items,
        pin,
        seconds,
        items as f64 / seconds / 1e6,
        ok
    );
    if !ok {
        eprintln!(
            "crossbeam-peer: checksum mismatch: got {}, expected {}",
            got, expected
        );
        exit(1);
    }
}
