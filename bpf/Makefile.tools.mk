# SPDX-License-Identifier: GPL-2.0
#
# Build libbpf and bpftool from the kernel tree and generate vmlinux.h.
# Included by the other spm_ops Makefiles.
#
#   libbpf     $(LIBBPF_A), headers under $(TOOLS_INC)/bpf
#   bpftool    $(BPFTOOL)
#   vmlinux.h  $(VMLINUX_H), dumped from the BTF of $(KBUILD)/vmlinux
#
# The sub-makes are only entered when one of their sources changed, so a
# second "make" does nothing.

SPM_TOP		:= $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)

# Do not let the rules below become the includer's default goal.
SPM_TOOLS_GOAL	:= $(.DEFAULT_GOAL)

KSRC		?= $(SPM_TOP)/build/linux
KBUILD		?= $(SPM_TOP)/build/kbuild
BUILD		?= $(SPM_TOP)/build

CLANG		?= clang-19
LLVM_STRIP	?= llvm-strip-19

TOOLS_DIR	:= $(BUILD)/tools
TOOLS_INC	:= $(TOOLS_DIR)/include
TOOLS_LIB	:= $(TOOLS_DIR)/lib
LIBBPF_OBJDIR	:= $(TOOLS_DIR)/libbpf
LIBBPF_A	:= $(TOOLS_LIB)/libbpf.a
BPFTOOL_OUTPUT	:= $(TOOLS_DIR)/bpftool
BPFTOOL		:= $(BPFTOOL_OUTPUT)/bpftool
VMLINUX		:= $(abspath $(KBUILD))/vmlinux
VMLINUX_H	:= $(BUILD)/vmlinux.h

LIBBPF_SRCDIR	:= $(KSRC)/tools/lib/bpf
BPFTOOL_SRCDIR	:= $(KSRC)/tools/bpf/bpftool

LIBBPF_SRCS	:= $(wildcard $(LIBBPF_SRCDIR)/*.[ch] $(LIBBPF_SRCDIR)/Makefile) \
		   $(KSRC)/tools/include/uapi/linux/bpf.h
BPFTOOL_SRCS	:= $(wildcard $(BPFTOOL_SRCDIR)/*.[ch] $(BPFTOOL_SRCDIR)/Makefile \
			      $(BPFTOOL_SRCDIR)/skeleton/*.[ch]) \
		   $(LIBBPF_SRCS)

# bpftool's skeletons (pids, profiler) need some kernel BTF; they are CO-RE,
# so the running kernel's is as good as the guest kernel's and does not make
# bpftool depend on a kernel build.
BPFTOOL_VMLINUX	?= $(firstword $(wildcard /sys/kernel/btf/vmlinux $(VMLINUX)))

# The JIT disassembler is of no use here and the host llvm-config may not
# match clang-19: switch the feature off rather than probe for it.
BPFTOOL_FLAGS	:= OUTPUT=$(BPFTOOL_OUTPUT)/ feature-llvm=0 \
		   CLANG=$(CLANG) LLVM_STRIP=$(LLVM_STRIP) \
		   VMLINUX_BTF=$(BPFTOOL_VMLINUX)

ifneq ($(V),1)
TOOLS_Q		:= @
TOOLS_SILENT	:= -s
endif

.PHONY: libbpf bpftool vmlinux.h tools-clean spm-tools-force

libbpf: $(LIBBPF_A)
bpftool: $(BPFTOOL)
vmlinux.h: $(VMLINUX_H)

$(LIBBPF_OBJDIR) $(BPFTOOL_OUTPUT) $(TOOLS_LIB):
	$(TOOLS_Q)mkdir -p $@

# libbpf's own "install" also builds the shared library; build only the
# archive, install the headers with DESTDIR/prefix and copy the archive.
$(LIBBPF_A): $(LIBBPF_SRCS) | $(LIBBPF_OBJDIR) $(TOOLS_LIB)
	@echo "  LIBBPF   $@"
	$(TOOLS_Q)$(MAKE) $(TOOLS_SILENT) -C $(LIBBPF_SRCDIR) \
		OUTPUT=$(LIBBPF_OBJDIR)/ DESTDIR=$(TOOLS_DIR) prefix= \
		$(LIBBPF_OBJDIR)/libbpf.a install_headers
	$(TOOLS_Q)install -m 644 $(LIBBPF_OBJDIR)/libbpf.a $@

$(BPFTOOL): $(BPFTOOL_SRCS) | $(BPFTOOL_OUTPUT)
	@echo "  BPFTOOL  $@"
	$(TOOLS_Q)$(MAKE) $(TOOLS_SILENT) -C $(BPFTOOL_SRCDIR) $(BPFTOOL_FLAGS)
	$(TOOLS_Q)touch $@

# vmlinux.h remembers which vmlinux it came from ($(VMLINUX_H).src): a
# build against another kernel tree regenerates it, whatever the dates.
VMLINUX_H_SRC	:= $(VMLINUX_H).src
ifneq ($(file <$(VMLINUX_H_SRC)),$(VMLINUX))
VMLINUX_H_FORCE	:= spm-tools-force
endif

$(VMLINUX_H): $(VMLINUX) $(BPFTOOL) $(VMLINUX_H_FORCE)
	@echo "  GEN      $@"
	$(TOOLS_Q)$(BPFTOOL) btf dump file $(VMLINUX) format c > $@.tmp
	$(TOOLS_Q)mv $@.tmp $@
	$(TOOLS_Q)echo $(VMLINUX) > $(VMLINUX_H_SRC)

tools-clean:
	$(TOOLS_Q)rm -rf $(TOOLS_DIR) $(VMLINUX_H) $(VMLINUX_H_SRC)

.DEFAULT_GOAL	:= $(SPM_TOOLS_GOAL)
