// FFmpeg headers for Swift, plus inline wrappers for the macros Swift cannot import.
#ifndef FRAMEWISE_CFFMPEG_SHIM_H
#define FRAMEWISE_CFFMPEG_SHIM_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libswscale/swscale.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/log.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>

static inline int fw_averror_eof(void) { return AVERROR_EOF; }
static inline int fw_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int fw_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int fw_averror_enomem(void) { return AVERROR(ENOMEM); }
static inline int fw_averror_enoent(void) { return AVERROR(ENOENT); }
static inline int fw_averror_decoder_not_found(void) { return AVERROR_DECODER_NOT_FOUND; }
static inline int64_t fw_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline int fw_av_time_base(void) { return AV_TIME_BASE; }
static inline enum AVPixelFormat fw_pix_fmt_gbrpf32(void) { return AV_PIX_FMT_GBRPF32LE; }
static inline int fw_codec_flag_qscale(void) { return AV_CODEC_FLAG_QSCALE; }
static inline int fw_qp2lambda(void) { return FF_QP2LAMBDA; }

/// Formats one FFmpeg log line (with its "[codec @ 0x...]" prefix) from a log callback's va_list.
static inline int fw_format_log_line(void *avcl, int level, const char *fmt, va_list vl,
                                     char *line, int size, int *print_prefix) {
    return av_log_format_line2(avcl, level, fmt, vl, line, size, print_prefix);
}

#endif
