//! Advanced SIMD structure loads and stores (C4.1.4; C7.2 LD1-LD4, ST1-ST4, LD1R-LD4R): multiple
//! structures, single lanes and replication, with and without post-index. Elements are
//! accessed one by one with the alignment and fault rules of single accesses of their size;
//! a load writes its registers only once every access has succeeded.

#![allow(clippy::too_many_arguments)]

use a64::simd_operands::{multi_shape, single_lane};

use super::ldst::Access;
use super::vector::{elem, lanes, replicate, set_elem, sized};
use super::{ExecResult, Step};
use crate::memory::Platform;
use crate::state::Cpu;

impl Cpu {
    /// The post-index writeback: by Xm, or (Rm = 31) by the bytes transferred.
    fn structure_writeback(&mut self, p: u8, rm: u8, rn: u8, base: u64, bytes: u64) {
        if p == 1 {
            let offset = if rm == 31 { bytes } else { self.xr(rm) };
            self.set_xsp(rn, base.wrapping_add(offset));
        }
    }

    /// C7.2 LD1/LD2/LD3/LD4 and ST1/ST2/ST3/ST4 (multiple structures).
    pub(crate) fn simd_ldst_multi<P: Platform>(
        &mut self,
        q: u8,
        p: u8,
        l: u8,
        rm: u8,
        opcode: u8,
        size: u8,
        rn: u8,
        rt: u8,
        platform: &mut P,
    ) -> ExecResult {
        self.check_fp_enabled()?;
        let (rpt, selem) = multi_shape(opcode);
        let count = u32::from(rpt * selem);
        let esize = 8u32 << size;
        let ebytes = 1u8 << size;
        let elements = lanes(q, esize);
        let base = self.base_reg(rn)?;
        let reg = |i: u32| (usize::from(rt) + i as usize) & 31;
        let mut regs = [0u128; 4];
        if l == 0 {
            for (i, slot) in regs.iter_mut().enumerate().take(count as usize) {
                *slot = self.v[reg(i as u32)];
            }
        }
        let mut offset = 0u64;
        for r in 0..u32::from(rpt) {
            for e in 0..elements {
                for s in 0..u32::from(selem) {
                    let address = base.wrapping_add(offset);
                    let slot = &mut regs[(r + s) as usize];
                    if l == 1 {
                        let value = self.read_data(platform, address, ebytes, Access::default())?;
                        set_elem(slot, e, esize, value);
                    } else {
                        let value = elem(*slot, e, esize);
                        self.write_data(platform, address, ebytes, value, Access::default())?;
                    }
                    offset += u64::from(ebytes);
                }
            }
        }
        if l == 1 {
            for (i, value) in regs.iter().enumerate().take(count as usize) {
                self.v[reg(i as u32)] = sized(*value, q);
            }
        }
        self.structure_writeback(p, rm, rn, base, offset);
        Ok(Step::Next)
    }

    /// C7.2 LD1-LD4 and ST1-ST4 (single structure), LD1R-LD4R.
    pub(crate) fn simd_ldst_single<P: Platform>(
        &mut self,
        q: u8,
        p: u8,
        l: u8,
        r: u8,
        rm: u8,
        opcode: u8,
        s: u8,
        size: u8,
        rn: u8,
        rt: u8,
        platform: &mut P,
    ) -> ExecResult {
        self.check_fp_enabled()?;
        let selem = u32::from(((opcode & 1) << 1) | r) + 1;
        let replicating = opcode >> 1 == 3;
        let (scale, index) = if replicating { (size, 0) } else { single_lane(q, opcode >> 1, s, size) };
        let esize = 8u32 << scale;
        let ebytes = 1u8 << scale;
        let base = self.base_reg(rn)?;
        let reg = |i: u32| (usize::from(rt) + i as usize) & 31;
        let mut values = [0u64; 4];
        let mut offset = 0u64;
        for (i, value) in values.iter_mut().enumerate().take(selem as usize) {
            let address = base.wrapping_add(offset);
            if l == 1 {
                *value = self.read_data(platform, address, ebytes, Access::default())?;
            } else {
                let element = elem(self.v[reg(i as u32)], u32::from(index), esize);
                self.write_data(platform, address, ebytes, element, Access::default())?;
            }
            offset += u64::from(ebytes);
        }
        if l == 1 {
            for (i, &value) in values.iter().enumerate().take(selem as usize) {
                let v = &mut self.v[reg(i as u32)];
                if replicating {
                    *v = sized(replicate(value, esize), q);
                } else {
                    set_elem(v, u32::from(index), esize, value);
                }
            }
        }
        self.structure_writeback(p, rm, rn, base, offset);
        Ok(Step::Next)
    }
}
