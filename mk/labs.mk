# mk/labs.mk -- the course labs (labs/README.md, labs/instructor/guide.md):
#
#   make skel LAB=n OUT=dir   write the student tree of lab n (LAB=caps works too)
#   make grade [LAB=n]        grade this tree: the lab's tests, score/total
#   make handin [LAB=n]       the archive a course collects
#   make labs-check           CI: every lab's student tree builds with -Werror
#                             and fails the grader, the solution passes it
#                             (part of `make test`, as the check "labs")
#   REF=spawn,rpc             link the reference objects of these labs
#                             (a student tree's default: labs/ref/default)
#
# Included at the end of the Makefile: it uses image_rule, kobjs,
# LIBSYS_OBJS, USER_PROGS and QEMU_RUN_CMD from there.

LAB ?= $(shell cat labs/LAB 2>/dev/null)
OUT ?=
SKEL_PLATS ?= vexpress-a9,virt,pandaboard

.PHONY: skel grade handin labs-check labs-objs labs-qemu-cmd labs-build

skel:
	@if [ -z "$(LAB)" ] || [ -z "$(OUT)" ]; then \
	    echo "usage: make skel LAB=n OUT=dir"; exit 1; fi
	$(Q)$(PYTHON) scripts/labs.py skel --lab $(LAB) --out $(OUT) --plats $(SKEL_PLATS)

grade:
	$(Q)$(PYTHON) scripts/labs.py grade $(if $(LAB),--lab $(LAB))

handin:
	$(Q)$(PYTHON) scripts/labs.py handin $(if $(LAB),--lab $(LAB))

labs-check:
	$(Q)$(PYTHON) scripts/labs.py check $(if $(LABS),--labs $(LABS))

# For scripts/labs.py: every object this board builds, and how to run an
# image in QEMU for a test.
labs-objs:
	@printf '%s\n' $(foreach v,release test testslow,$(call kobjs,$(v))) \
	    $(LIBSYS_OBJS) $(foreach p,$(USER_PROGS),$($(p)_OBJS))
labs-qemu-cmd:
	@echo '$(QEMU_RUN_CMD)'
# What the labs check builds of a student tree: every source compiled
# (-Werror), every program linked; the images are the grader's to build.
labs-build: $(foreach v,release test testslow,$(call kobjs,$(v))) \
    $(foreach p,$(USER_PROGS),$(BUILD)/user/$(p).elf)

# `make test` runs the labs check once (TESTS=labs selects it alone) --
# in the course's tree, not in a student's (labs/LAB names its lab) -- and
# the doc check on the handouts (TESTS=labs-docs): what they name exists.
DOC_CHECKS += $(if $(and $(call selected,labs),$(if $(wildcard labs/LAB),,yes)),\
        --check 'labs=$(PYTHON) scripts/labs.py check') \
    $(if $(call selected,labs-docs),--check 'labs-docs=$(PYTHON) scripts/check_docs.py \
        $(wildcard labs/*.md labs/instructor/*.md)')

# --- grading images -----------------------------------------------------------
# labs/grade/NAME.bootlist makes lab-NAME (test kernel) and lab-NAME-slow
# (the LMP fast path off); labs/grade/lab-NAME.cfg holds its test settings.
LAB_BOOTLISTS := $(wildcard labs/grade/*.bootlist)
$(foreach b,$(LAB_BOOTLISTS),$(eval $(call image_rule,lab-$(basename $(notdir $(b))),test,$(b))))
$(foreach b,$(LAB_BOOTLISTS),$(eval $(call image_rule,lab-$(basename $(notdir $(b)))-slow,testslow,$(b))))

# --- reference objects ----------------------------------------------------------
# labs/ref/LAB/PLAT/PATH is the object build/PLAT/PATH compiled from the
# solution; with LAB in REF it is linked instead of the student's source.
# $(BUILD)/ref-set records REF: an object that has a reference version is
# remade (copied or compiled) whenever REF changes.
comma := ,
REF ?= $(shell cat labs/ref/default 2>/dev/null)
REF_LABS := $(subst $(comma), ,$(REF))
REF_ALL := $(sort $(patsubst labs/ref/%,%,$(shell find labs/ref -path '*/$(PLAT)/*' -name '*.o' 2>/dev/null)))
ifneq ($(REF_ALL),)
$(shell mkdir -p $(BUILD) && echo '$(REF)' > $(BUILD)/ref-set.new && \
    (cmp -s $(BUILD)/ref-set.new $(BUILD)/ref-set || cp $(BUILD)/ref-set.new $(BUILD)/ref-set))
# lab/plat/path -> path
ref_path = $(subst $(firstword $(subst /, ,$(1)))/$(PLAT)/,,$(1))
$(foreach r,$(REF_ALL),$(eval $(BUILD)/$(call ref_path,$(r)): $(BUILD)/ref-set))
define ref_rule
$(BUILD)/$(call ref_path,$(1)): labs/ref/$(1) $(BUILD)/ref-set
	@echo "  REF     $$@"
	@mkdir -p $$(dir $$@)
	$(Q)cp $$< $$@
endef
$(foreach r,$(filter $(addsuffix /%,$(REF_LABS)),$(REF_ALL)),$(eval $(call ref_rule,$(r))))
endif
