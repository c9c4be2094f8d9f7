# mk/user.mk -- user space: libsys (with freestanding/ for user space), the RPC
# stubs, and every program.
# (included by the top-level Makefile, which sets PLAT, BUILD and the
# tool variables; `make help` lists the targets).

# --- user space ---------------------------------------------------------------
# User programs are ordinary C programs linked with libsys (the Sprat
# runtime, which provides the entry point) and picolibc (Debian's
# picolibc-arm-none-eabi) as the C library.
PICOLIBC_SPECS := /usr/lib/picolibc/arm-none-eabi/picolibc.specs
# (-fno-tree-loop-distribute-patterns: GCC would turn the message paths'
# loops of one or two words into memcpy calls, several times their cost;
# code that copies a lot calls memcpy itself.)
GEN := $(BUILD)/gen
USER_CFLAGS := $(ARCH_FLAGS) -std=gnu11 -O2 -g $(WARN_FLAGS) --specs=$(PICOLIBC_SPECS) \
    -fno-common -ffunction-sections -fdata-sections -fno-tree-loop-distribute-patterns \
    -Iinclude -Ifreestanding/include -Ilibsys/include -I$(GEN) -MMD -MP
USER_ASFLAGS := $(USER_CFLAGS) -D__ASSEMBLY__
USER_LDFLAGS := $(ARCH_FLAGS) --specs=$(PICOLIBC_SPECS) -nostartfiles -T linker/user.ld \
    -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
    -Wl,--no-warn-rwx-segments

# libsys.a holds libsys, the interfaces libsys/if/ (below) and, compiled for user space, freestanding/.
LIBSYS_IFS := base init memserv serial
LIBSYS_SRCS := $(wildcard libsys/*.c libsys/*.S libsys/arch/armv7/*.c libsys/arch/armv7/*.S)
LIBSYS_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(LIBSYS_SRCS))) \
    $(patsubst %,$(BUILD)/user-freestanding/%.o,$(basename $(FREESTANDING_SRCS))) \
    $(patsubst %,$(GEN)/if/%.o,$(LIBSYS_IFS))

# One interface file per service (docs/rpc.md, section 2): scripts/rpcgen.py
# makes of NAME.idl the method numbers, the request/response structs and
# the client stubs, in $(GEN)/if/NAME.h and NAME.c.  libsys/if/base.idl
# holds the methods every interface shares (numbered from 0; sys/rpc.h
# includes it); every other file is numbered after it.  libsys' own client
# code uses init's, memserv's and serial's interfaces: those are in libsys.
# Any other NAME.idl lives beside its program (user/apps/dice/dice.idl,
# tests/user/t_mem/t_mem.idl): its stubs are linked into every program
# that includes <if/NAME.h>, and an edit rebuilds only those.
BASE_IDL := libsys/if/base.idl
APP_IDLS := $(wildcard user/*/*/*.idl tests/user/*/*.idl)
APP_IFS := $(basename $(notdir $(APP_IDLS)))
RPC_GEN := $(patsubst %,$(GEN)/if/%.h,$(LIBSYS_IFS) $(APP_IFS))
define idl_rule
$(GEN)/if/$(basename $(notdir $(1))).h $(GEN)/if/$(basename $(notdir $(1))).c &: \
    $(1) $(BASE_IDL) scripts/rpcgen.py
	@echo "  RPCGEN  $(1)"
	$(Q)$(PYTHON) scripts/rpcgen.py $(1) $(GEN) $(filter-out $(1),$(BASE_IDL))
endef
$(foreach f,$(patsubst %,libsys/if/%.idl,$(LIBSYS_IFS)) $(APP_IDLS),$(eval $(call idl_rule,$(f))))
$(GEN)/if/%.o: $(GEN)/if/%.c | $(RPC_GEN)
	@echo "  CC      $@"
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@
# The interfaces beside programs that the program in folder $(1) includes.
prog_ifs = $(filter $(APP_IFS),$(patsubst <if/%.h>,%,$(sort \
    $(shell grep -ho '<if/[a-z0-9_]*\.h>' $(wildcard $(1)*.c $(1)*.h) /dev/null))))
LIBSYS := $(BUILD)/libsys/libsys.a

$(LIBSYS): $(LIBSYS_OBJS)
	@echo "  AR      $@"
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(CROSS)ar rcs $@ $^

# Every folder with C files under user/sys/ (the system's programs),
# user/apps/ (demo programs) and tests/user/ (test programs), and
# tests/bench/, is one program, named after its folder; each is linked
# to $(BUILD)/user/NAME.elf, the module a boot list names.
# The test library (tests/user/lib: test_report, TEST_ERR) is linked into
# test programs only: those under tests/.
SYSTEST_DIR := tests/user/lib
PROG_DIRS := $(sort $(dir $(wildcard user/sys/*/*.c user/apps/*/*.c tests/user/*/*.c \
    tests/bench/*.c)))
PROG_DIRS := $(filter-out $(SYSTEST_DIR)/,$(PROG_DIRS))
USER_PROGS := $(foreach d,$(PROG_DIRS),$(notdir $(d:/=)))
SYSTEST_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(wildcard $(SYSTEST_DIR)/*.c)))
SYSTEST_PROGS := $(filter tests/user/%,$(PROG_DIRS))

define user_prog_rule
$(notdir $(1:/=))_OBJS := $(patsubst %,$(BUILD)/%.o,$(basename $(wildcard $(1)*.c $(1)*.S))) \
    $(if $(filter $(1),$(SYSTEST_PROGS)),$(SYSTEST_OBJS)) \
    $(patsubst %,$(GEN)/if/%.o,$(call prog_ifs,$(1)))
$(if $(filter $(1),$(SYSTEST_PROGS)),$(BUILD)/$(1)%.o: USER_CFLAGS += -I$(SYSTEST_DIR))
$(BUILD)/user/$(notdir $(1:/=)).elf: $$($(notdir $(1:/=))_OBJS) $(LIBSYS) linker/user.ld
	@echo "  LD      $$@"
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $(USER_LDFLAGS) -o $$@ $$($(notdir $(1:/=))_OBJS) -Wl,--whole-archive $(LIBSYS) \
	    -Wl,--no-whole-archive -lc -lgcc
endef
$(foreach d,$(PROG_DIRS),$(eval $(call user_prog_rule,$(d))))
$(SYSTEST_OBJS): USER_CFLAGS += -I$(SYSTEST_DIR)

# The test build of init, init_test: init's files plus tests/user/init_test/
# (test directives, boot-time checks), which defines the hooks init.h
# declares weak.  One set of init objects serves both builds: the release
# init links no test code, and nothing is compiled twice.  The test
# images boot it as their "init" (mk/images.mk).
init_test_OBJS += $(init_OBJS)
$(BUILD)/user/init_test.elf: $(init_OBJS)
$(BUILD)/tests/user/init_test/%.o: USER_CFLAGS += -Iuser/sys/init

$(BUILD)/libsys/%.o: libsys/%.c $(BUILD_CONFIG) | $(RPC_GEN)
	@echo "  CC      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/libsys/%.o: libsys/%.S $(BUILD_CONFIG)
	@echo "  AS      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_ASFLAGS) -c $< -o $@
$(BUILD)/user-freestanding/%.o: %.c $(BUILD_CONFIG)
	@echo "  CC      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/user-freestanding/%.o: %.S $(BUILD_CONFIG)
	@echo "  AS      $@"
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(USER_ASFLAGS) -c $< -o $@
define user_obj_rules
$(BUILD)/$(1)/%.o: $(1)/%.c $(BUILD_CONFIG) | $(RPC_GEN)
	@echo "  CC      $$@"
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $$(USER_CFLAGS) -c $$< -o $$@
$(BUILD)/$(1)/%.o: $(1)/%.S $(BUILD_CONFIG)
	@echo "  AS      $$@"
	@mkdir -p $$(dir $$@)
	$(Q)$(CC) $$(USER_ASFLAGS) -c $$< -o $$@
endef
$(foreach d,user tests/user tests/bench,$(eval $(call user_obj_rules,$(d))))

