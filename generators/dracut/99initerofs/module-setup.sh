#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dracut module "initerofs": the initramfs dracut writes becomes an EROFS
# initrd (early cpio archives, e.g. microcode, kept in front).
#
# Enabled by initerofs="yes" (or a compression: initerofs="lz4hc") in
# /etc/dracut.conf.d/initerofs.conf, or by `dracut --add initerofs`.
#
# How: dracut pipes the cpio archive it made of the initramfs tree through
# its compressor, `$compress`, appending the result to its image after the
# early cpio. install() below runs in dracut's own shell, after the command
# line and configuration are read and before the image is made, and sets
# `$compress` to initerofs' converter, which reads that cpio and writes an
# EROFS image instead. Nothing is added to the initramfs itself: the tree,
# systemd or not, is what dracut made; only its container changes.

# Included unasked only when the configuration sets initerofs; else only
# when named (--add initerofs, add_dracutmodules+=" initerofs ").
check() {
    require_binaries initerofs || return 1
    case ${initerofs-} in
        '' | no | n | false | 0 | off) return 255 ;;
    esac
    return 0
}

depends() {
    return 0
}

install() {
    local alg=${initerofs:-yes}

    case $alg in
        no | n | false | 0 | off)
            dwarn "initerofs: module added but initerofs=\"$alg\": the initramfs stays a cpio"
            return 0
            ;;
        yes | y | true | 1 | on) alg=lz4hc ;;
    esac
    # A kernel without CONFIG_INITEROFS=y cannot boot an EROFS initrd; it
    # gets the usual cpio (INITEROFS_FORCE=yes converts anyway).
    local verdict
    case ${INITEROFS_FORCE:-no} in
        yes | y | true | 1 | on) ;;
        *)
            if ! verdict=$(initerofs info --kernel "$kernel" 2>&1); then
                # The last line is the verdict, with the reason.
                dwarn "initerofs: ${verdict##*$'\n'}"
                dwarn "initerofs: the initramfs for $kernel stays a cpio"
                return 0
            fi
            ;;
    esac
    # dracut's globals: the compressor command (word-split by dracut) and,
    # for the converter's free-space check, the file dracut will overwrite.
    # shellcheck disable=SC2034
    compress="@LIBEXECDIR@/dracut-compress $alg"
    export INITEROFS_OUTFILE="$outfile"
    dinfo "initerofs: the initramfs will be an EROFS initrd ($alg)"
}
