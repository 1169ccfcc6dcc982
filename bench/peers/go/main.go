// go-peer: Go buffered channels (make(chan uint64, C)) in the harness shape
// shared with vsem-channel-peer (C++) and crossbeam-peer (Rust);
// bench/peers/run.sh drives them all.
//
//	go-peer --producers P --capacity C --items N [--pin]
//
// P producer goroutines and P consumer goroutines: goroutines, not OS threads;
// the Go runtime multiplexes them onto GOMAXPROCS threads (left at its
// default, the number of CPUs). Producer p sends p+1, p+1+P, ... up to N
// (1..N in all), consumer c receives a fixed share of N (they stop by count,
// not by close). The sum of everything received must equal N(N+1)/2, else the
// exit status is 1. With --pin, each goroutine is locked to its own OS thread
// (runtime.LockOSThread) and that thread is pinned with sched_setaffinity:
// producers to CPU 0, consumers to CPU 1. Locking changes how the runtime
// schedules them (a locked goroutine runs only on its thread). The timed span
// starts when every goroutine is waiting on the start signal and ends when
// the last consumer has finished. Prints one line of JSON, the same fields as
// vsem-channel-peer, with "threads": "goroutines".
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

func usage(why string) {
	fmt.Fprintf(os.Stderr, "go-peer: %s\nusage: go-peer --producers P --capacity C --items N [--pin]\n", why)
	os.Exit(2)
}

func pinTo(cpu uint) {
	runtime.LockOSThread()
	var mask [16]uint64
	mask[cpu/64] = 1 << (cpu % 64)
	_, _, errno := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, uintptr(len(mask)*8),
		uintptr(unsafe.Pointer(&mask[0])))
	if errno != 0 {
		fmt.Fprintf(os.Stderr, "go-peer: sched_setaffinity(CPU %d): %v\n", cpu, errno)
		os.Exit(2)
	}
}

func main() {
	producers, capacity, items, pin := uint64(1), uint64(64), uint64(1000000), false
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		number := func(flag string) uint64 {
			if i+1 >= len(args) {
				usage("missing value for " + flag)
			}
			i++
			v, err := strconv.ParseUint(args[i], 10, 64)
			if err != nil || v == 0 {
				usage(flag + " wants a positive integer")
			}
			return v
		}
		switch args[i] {
		case "--producers":
			producers = number("--producers")
		case "--capacity":
			capacity = number("--capacity")
		case "--items":
			items = number("--items")
		case "--pin":
			pin = true
		default:
			usage("unknown argument " + args[i])
		}
	}
	if producers > 64 || capacity > 1<<30 || items > 1<<32 {
		usage("--producers is 1..64, --capacity 1..2^30, --items 1..2^32")
	}

	ch := make(chan uint64, capacity)
	var sum uint64
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(int(2 * producers))
	done.Add(int(2 * producers))
	for k := uint64(0); k < producers; k++ {
		go func(k uint64) {
			defer done.Done()
			if pin {
				pinTo(0)
			}
			ready.Done()
			<-start
			for v := k + 1; v <= items; v += producers {
				ch <- v
			}
		}(k)
	}
	for k := uint64(0); k < producers; k++ {
		share := items / producers
		if k < items%producers {
			share++
		}
		go func(share uint64) {
			defer done.Done()
			if pin {
				pinTo(1)
			}
			ready.Done()
			<-start
			var local uint64
			for i := uint64(0); i < share; i++ {
				local += <-ch
			}
			atomic.AddUint64(&sum, local)
		}(share)
	}
	ready.Wait()
	t0 := time.Now()
	close(start)
	done.Wait()
	seconds := time.Since(t0).Seconds()
	expected := items * (items + 1) / 2
	got := atomic.LoadUint64(&sum)
	ok := got == expected
	fmt.Printf("{\"system\": \"go\", \"producers\": %d, \"consumers\": %d, \"capacity\": %d, "+
		"\"items\": %d, \"pinned\": %t, \"threads\": \"goroutines\", \"gomaxprocs\": %d, "+
		"\"seconds\": %.6f, \"mitems_per_s\": %.4f, \"checksum_ok\": %t}\n",
		producers, producers, capacity, items, pin, runtime.GOMAXPROCS(0), seconds,
		float64(items)/seconds/1e6, ok)
	if !ok {
		fmt.Fprintf(os.Stderr, "go-peer: checksum mismatch: got %d, expected %d\n", got, expected)
		os.Exit(1)
	}
}
