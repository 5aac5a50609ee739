# initerofs userspace: the library (lib/), the command (programs/) and the
# cmocka unit tests (tests/unit/). Sources are found by wildcard so that a
# new lib/FOLDER/*.c or programs/*.c needs no edit here; docs/library.md is
# the map of lib/. Library code sees its private headers with -Ilib.
#
#   make                 library + programs/initerofs
#   make check           every tests/unit/*.c as its own program, run plainly
#                        and again under ASan + UBSan
#   make asan            build/user/asan/initerofs: the command under ASan +
#                        UBSan (the shell tests that want one build it so)
#   make test-helpers    build/user/tests/{roundtrip-list,corruptor}, the
#                        shell tests' helper programs
#   make install         PREFIX=/usr/local DESTDIR=: the command, its man
#                        page, bash completion, and the initrd generator
#                        hooks (inactive until configured: docs/debian.md)
#   make WERROR=1        warnings are errors (CI)
#   make fuzz            libFuzzer targets build/fuzz/fuzz_* (clang, ASan,
#                        UBSan) from tests/fuzz/fuzz_*.c; see docs/fuzzing.md

CC      ?= cc
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
LIBEXECDIR ?= $(PREFIX)/lib/initerofs
SYSCONFDIR ?= /etc
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
# Where the generators look, whatever PREFIX is.
DRACUTMODDIR ?= /usr/lib/dracut/modules.d
KERNELINSTALLDIR ?= /usr/lib/kernel/install.d

OUT     := build/user
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -Wall -Wextra -D_GNU_SOURCE -pthread
CPPFLAGS += -Iinclude -MMD -MP
ifeq ($(WERROR),1)
CFLAGS  += -Werror
endif
LDLIBS  += -llz4 -lzstd -lz -llzma -lbz2 -llzo2 -lpthread
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer

LIB_SRCS  := $(sort $(wildcard lib/*/*.c))
PROG_SRCS := $(sort $(wildcard programs/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/*.c))

LIB       := lib/libiniterofs.a
LIB_ASAN  := $(OUT)/asan/libiniterofs.a
PROG      := programs/initerofs
PROG_ASAN := $(OUT)/asan/initerofs
# The switch-root program convert puts into images (docs/switch-root.md):
# static, its bytes linked into $(PROG) through an .incbin.
SR_PROG   := $(OUT)/switch-root/initerofs-switch-root
SR_SRCS   := programs/switch-root/switch-root.c programs/switch-root/leftovers.c \
	     lib/switch_root/switch_root_cmdline.c lib/switch_root/switch_root_proc.c
SR_BLOB   := $(OUT)/switch-root/blob.o

LIB_OBJS      := $(LIB_SRCS:%.c=$(OUT)/%.o)
LIB_ASAN_OBJS := $(LIB_SRCS:%.c=$(OUT)/asan/%.o)
PROG_OBJS     := $(PROG_SRCS:%.c=$(OUT)/%.o)
PROG_ASAN_OBJS := $(PROG_SRCS:%.c=$(OUT)/asan/%.o)
TESTS         := $(TEST_SRCS:tests/unit/%.c=$(OUT)/tests/%_test)
TESTS_ASAN    := $(TEST_SRCS:tests/unit/%.c=$(OUT)/asan/tests/%_test)

# libFuzzer targets: the library again, instrumented for coverage.
FUZZ_CC     ?= clang
FUZZ_OUT    := build/fuzz
FUZZ_FLAGS  := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	       -fno-omit-frame-pointer
FUZZ_SRCS   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZERS     := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_OUT)/%)
FUZZ_LIB    := $(FUZZ_OUT)/libiniterofs.a
FUZZ_OBJS   := $(LIB_SRCS:%.c=$(FUZZ_OUT)/%.o)

.PHONY: all check install clean fuzz asan test-helpers
# Keep test objects between runs (they are intermediate files to make).
.SECONDARY:
all: $(LIB) $(PROG) $(SR_PROG)

$(OUT)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(OUT)/asan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

# The library's private headers (lib/FOLDER/*.h) are for the library only.
$(OUT)/lib/%.o $(OUT)/asan/lib/%.o $(FUZZ_OUT)/lib/%.o: CPPFLAGS += -Ilib

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIB_ASAN): $(LIB_ASAN_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(PROG): $(PROG_OBJS) $(SR_BLOB) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(PROG_OBJS) $(SR_BLOB) $(LIB) $(LDLIBS)

$(PROG_ASAN): $(PROG_ASAN_OBJS) $(SR_BLOB) $(LIB_ASAN)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $(PROG_ASAN_OBJS) $(SR_BLOB) \
		$(LIB_ASAN) $(LDLIBS)

asan: $(PROG_ASAN)

# Helpers of the shell tests (tests/userspace/roundtrip-lib.sh).
HELPERS := $(OUT)/tests/roundtrip-list $(OUT)/tests/corruptor
test-helpers: $(HELPERS)

$(OUT)/tests/roundtrip-list: tests/userspace/roundtrip-list.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< -lcrypto

$(OUT)/tests/corruptor: tests/userspace/corruptor.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# -Os and stripped: it is copied into every converted image.
$(SR_PROG): $(SR_SRCS) include/initerofs/switch_root.h programs/switch-root/leftovers.h
	@mkdir -p $(@D)
	$(CC) -Iinclude -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Os -static -s \
		-ffunction-sections -fdata-sections -Wl,--gc-sections -o $@ $(SR_SRCS)

$(SR_BLOB): programs/switch-root/blob.S $(SR_PROG)
	$(CC) -c -Wa,-I$(OUT)/switch-root -o $@ $<

$(OUT)/tests/%_test: $(OUT)/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) -lcmocka $(LDLIBS)

$(OUT)/asan/tests/%_test: $(OUT)/asan/tests/unit/%.o $(LIB_ASAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $< $(LIB_ASAN) -lcmocka $(LDLIBS)

$(FUZZ_OUT)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 -Wall -Wextra -D_GNU_SOURCE -pthread \
		$(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB)
	$(FUZZ_CC) -Iinclude -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE \
		-pthread $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) \
		$(LDLIBS)

fuzz: $(FUZZERS)

# Run every unit test program; report all failures, fail if any failed.
check: $(TESTS) $(TESTS_ASAN)
	@fail=0; for t in $(TESTS) $(TESTS_ASAN); do \
		echo "== $$t"; \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
			./$$t || { echo "FAILED: $$t"; fail=1; }; \
	done; exit $$fail

# Scripts get the installed paths of the command and of its helpers.
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g'
# install_script MODE SOURCE DESTINATION
install_script = install -d $(dir $(3)) && $(SUBST) $(2) >$(3).tmp && \
	chmod $(1) $(3).tmp && mv -f $(3).tmp $(3)

install: $(PROG)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(PROG) $(DESTDIR)$(BINDIR)/initerofs
	install -m 0644 docs/initerofs.1 $(DESTDIR)$(MANDIR)/man1/initerofs.1
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 0644 generators/bash-completion/initerofs \
		$(DESTDIR)$(BASHCOMPDIR)/initerofs
	$(call install_script,0755,generators/lib/convert-initrd,$(DESTDIR)$(LIBEXECDIR)/convert-initrd)
	$(call install_script,0755,generators/lib/dracut-compress,$(DESTDIR)$(LIBEXECDIR)/dracut-compress)
	$(call install_script,0755,generators/initramfs-tools/post-update,$(DESTDIR)$(SYSCONFDIR)/initramfs/post-update.d/00-initerofs)
	$(call install_script,0755,generators/dracut/99initerofs/module-setup.sh,$(DESTDIR)$(DRACUTMODDIR)/99initerofs/module-setup.sh)
	$(call install_script,0755,generators/kernel-install/86-initerofs.install,$(DESTDIR)$(KERNELINSTALLDIR)/86-initerofs.install)
	install -d $(DESTDIR)$(SYSCONFDIR)/initramfs-tools/conf.d \
		$(DESTDIR)$(SYSCONFDIR)/dracut.conf.d $(DESTDIR)$(SYSCONFDIR)/kernel
	install -m 0644 generators/initramfs-tools/initerofs.conf \
		$(DESTDIR)$(SYSCONFDIR)/initramfs-tools/conf.d/initerofs.conf
	install -m 0644 generators/dracut/initerofs.conf \
		$(DESTDIR)$(SYSCONFDIR)/dracut.conf.d/initerofs.conf
	install -m 0644 generators/kernel-install/initerofs.conf \
		$(DESTDIR)$(SYSCONFDIR)/kernel/initerofs.conf

clean:
	rm -rf $(OUT) $(FUZZ_OUT) $(LIB) $(PROG)

-include $(LIB_OBJS:.o=.d) $(LIB_ASAN_OBJS:.o=.d) $(PROG_OBJS:.o=.d) $(PROG_ASAN_OBJS:.o=.d)
-include $(FUZZ_OBJS:.o=.d)
-include $(TEST_SRCS:tests/unit/%.c=$(OUT)/tests/unit/%.d)
-include $(TEST_SRCS:tests/unit/%.c=$(OUT)/asan/tests/unit/%.d)
