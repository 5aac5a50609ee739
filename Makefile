# initerofs userspace: the library (lib/), the command (programs/) and the
# cmocka unit tests (tests/unit/). Sources are found by wildcard so that a
# new lib/*.c or programs/*.c needs no edit here.
#
#   make                 library + programs/initerofs
#   make check           every tests/unit/*.c as its own program, run plainly
#                        and again under ASan + UBSan
#   make install         PREFIX=/usr/local DESTDIR=: the command, its man
#                        page, bash completion, and the initrd generator
#                        hooks (inactive until configured: docs/debian.md)
#   make WERROR=1        warnings are errors (CI)

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

LIB_SRCS  := $(sort $(wildcard lib/*.c))
PROG_SRCS := $(sort $(wildcard programs/*.c))
TEST_SRCS := $(sort $(wildcard tests/unit/*.c))

LIB       := lib/libiniterofs.a
LIB_ASAN  := $(OUT)/asan/libiniterofs.a
PROG      := programs/initerofs

LIB_OBJS      := $(LIB_SRCS:%.c=$(OUT)/%.o)
LIB_ASAN_OBJS := $(LIB_SRCS:%.c=$(OUT)/asan/%.o)
PROG_OBJS     := $(PROG_SRCS:%.c=$(OUT)/%.o)
TESTS         := $(TEST_SRCS:tests/unit/%.c=$(OUT)/tests/%_test)
TESTS_ASAN    := $(TEST_SRCS:tests/unit/%.c=$(OUT)/asan/tests/%_test)

.PHONY: all check install clean
# Keep test objects between runs (they are intermediate files to make).
.SECONDARY:
all: $(LIB) $(PROG)

$(OUT)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(OUT)/asan/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIB_ASAN): $(LIB_ASAN_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(PROG): $(PROG_OBJS) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(PROG_OBJS) $(LIB) $(LDLIBS)

$(OUT)/tests/%_test: $(OUT)/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) -lcmocka $(LDLIBS)

$(OUT)/asan/tests/%_test: $(OUT)/asan/tests/unit/%.o $(LIB_ASAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SANFLAGS) $(LDFLAGS) -o $@ $< $(LIB_ASAN) -lcmocka $(LDLIBS)

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
	rm -rf $(OUT) $(LIB) $(PROG)

-include $(LIB_OBJS:.o=.d) $(LIB_ASAN_OBJS:.o=.d) $(PROG_OBJS:.o=.d)
-include $(TEST_SRCS:tests/unit/%.c=$(OUT)/tests/unit/%.d)
-include $(TEST_SRCS:tests/unit/%.c=$(OUT)/asan/tests/unit/%.d)
