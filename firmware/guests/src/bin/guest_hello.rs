//! The smallest guest: prints, asks the hypervisor who it is, powers its VM off.

#![no_std]
#![no_main]

use guest::{hvc, println};

guest::entry!(main);

fn main(_vcpu: usize, _context: u64) {
    println!("hello from EL1");
    let (id, vcpu, count, _) = hvc::vm_info();
    println!("vm id {} vcpu {} of {}", id, vcpu, count);
}
