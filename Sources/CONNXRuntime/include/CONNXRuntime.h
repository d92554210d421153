// Framewise's own declarations of the subset of the ONNX Runtime C API it uses.
//
// The PyPI wheel ships libonnxruntime.so without a header, so this file declares only what
// FramewiseONNX calls. The OrtApi function table is append-only: a slot never moves once a
// version has shipped. FWOrtApi is a prefix of that table; unused slots are pointer-sized padding
// and every used slot is pinned with a _Static_assert against its index in the real table
// (onnxruntime/core/session/onnxruntime_c_api.cc, `ort_api_1_to_N`).
#ifndef FRAMEWISE_CONNXRUNTIME_H
#define FRAMEWISE_CONNXRUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Opaque ORT objects.
typedef struct FWOrtEnv FWOrtEnv;
typedef struct FWOrtStatus FWOrtStatus;
typedef struct FWOrtMemoryInfo FWOrtMemoryInfo;
typedef struct FWOrtSession FWOrtSession;
typedef struct FWOrtValue FWOrtValue;
typedef struct FWOrtRunOptions FWOrtRunOptions;
typedef struct FWOrtTypeInfo FWOrtTypeInfo;
typedef struct FWOrtTensorTypeAndShapeInfo FWOrtTensorTypeAndShapeInfo;
typedef struct FWOrtSessionOptions FWOrtSessionOptions;
typedef struct FWOrtModelMetadata FWOrtModelMetadata;
typedef struct FWOrtAllocator FWOrtAllocator;
typedef struct FWOrtCUDAProviderOptionsV2 FWOrtCUDAProviderOptionsV2;
typedef struct FWOrtTensorRTProviderOptionsV2 FWOrtTensorRTProviderOptionsV2;

// C enums are int-sized on every platform ORT supports; we pass them as int32_t.
typedef int32_t FWOrtErrorCode;           // OrtErrorCode: 0 OK, 1 FAIL, 2 INVALID_ARGUMENT, 3 NO_SUCHFILE, ...
typedef int32_t FWOrtLoggingLevel;        // OrtLoggingLevel: 0 verbose ... 4 fatal
typedef int32_t FWOrtElementType;         // ONNXTensorElementDataType: 1 float, 7 int64, ...
typedef int32_t FWOrtONNXType;            // ONNXType: 1 tensor
typedef int32_t FWOrtGraphOptimizationLevel;  // 0, 1, 2, 99 (all)
typedef int32_t FWOrtAllocatorType;       // 0 device, 1 arena
typedef int32_t FWOrtMemType;             // 0 default

/// OrtLoggingFunction: called by ORT (from any of its threads) for each log message at or above the
/// environment's level. `category`, `logid` and `code_location` may be empty; all strings live only
/// for the call.
typedef void (*FWOrtLoggingFunction)(void *_Nullable param, FWOrtLoggingLevel severity, const char *_Nullable category,
                                     const char *_Nullable logid, const char *_Nullable code_location,
                                     const char *_Nullable message);

#define FW_ORT_STATUS_FN(name, ...) FWOrtStatus *(*_Nonnull name)(__VA_ARGS__)
#define FW_ORT_PAD(n) void *_pad##n

/// The lowest OrtApi version that has every slot declared below (CUDA V2 provider options: 11).
#define FW_ORT_API_VERSION 11u

// Every used slot is declared _Nonnull (Swift imports it as a plain function): fw_ort_load
// checks that the library filled each one in before it returns the table.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-completeness"

/// A prefix of OrtApi (slots 0 ... 208).
typedef struct FWOrtApi {
    FWOrtStatus *(*_Nonnull CreateStatus)(FWOrtErrorCode code, const char *msg);                    // 0
    FWOrtErrorCode (*_Nonnull GetErrorCode)(const FWOrtStatus *status);                             // 1
    const char *(*_Nonnull GetErrorMessage)(const FWOrtStatus *status);                             // 2
    FW_ORT_STATUS_FN(CreateEnv, FWOrtLoggingLevel level, const char *logid, FWOrtEnv **out);  // 3
    FW_ORT_STATUS_FN(CreateEnvWithCustomLogger, FWOrtLoggingFunction logging_function, void *logger_param,
                     FWOrtLoggingLevel level, const char *logid, FWOrtEnv **out);          // 4
    FW_ORT_PAD(5); FW_ORT_PAD(6);
    FW_ORT_STATUS_FN(CreateSession, const FWOrtEnv *env, const char *model_path,
                     const FWOrtSessionOptions *options, FWOrtSession **out);              // 7
    FW_ORT_PAD(8);
    FW_ORT_STATUS_FN(Run, FWOrtSession *session, const FWOrtRunOptions *run_options,
                     const char *const *input_names, const FWOrtValue *const *inputs, size_t input_len,
                     const char *const *output_names, size_t output_names_len,
                     FWOrtValue **outputs);                                                // 9
    FW_ORT_STATUS_FN(CreateSessionOptions, FWOrtSessionOptions **out);                     // 10
    FW_ORT_PAD(11); FW_ORT_PAD(12); FW_ORT_PAD(13); FW_ORT_PAD(14); FW_ORT_PAD(15);
    FW_ORT_PAD(16); FW_ORT_PAD(17); FW_ORT_PAD(18); FW_ORT_PAD(19); FW_ORT_PAD(20);
    FW_ORT_PAD(21); FW_ORT_PAD(22);
    FW_ORT_STATUS_FN(SetSessionGraphOptimizationLevel, FWOrtSessionOptions *options,
                     FWOrtGraphOptimizationLevel level);                                   // 23
    FW_ORT_STATUS_FN(SetIntraOpNumThreads, FWOrtSessionOptions *options, int threads);     // 24
    FW_ORT_STATUS_FN(SetInterOpNumThreads, FWOrtSessionOptions *options, int threads);     // 25
    FW_ORT_PAD(26); FW_ORT_PAD(27); FW_ORT_PAD(28); FW_ORT_PAD(29);
    FW_ORT_STATUS_FN(SessionGetInputCount, const FWOrtSession *session, size_t *out);      // 30
    FW_ORT_STATUS_FN(SessionGetOutputCount, const FWOrtSession *session, size_t *out);     // 31
    FW_ORT_STATUS_FN(SessionGetOverridableInitializerCount, const FWOrtSession *session,
                     size_t *out);                                                         // 32
    FW_ORT_STATUS_FN(SessionGetInputTypeInfo, const FWOrtSession *session, size_t index,
                     FWOrtTypeInfo **out);                                                 // 33
    FW_ORT_STATUS_FN(SessionGetOutputTypeInfo, const FWOrtSession *session, size_t index,
                     FWOrtTypeInfo **out);                                                 // 34
    FW_ORT_PAD(35);
    FW_ORT_STATUS_FN(SessionGetInputName, const FWOrtSession *session, size_t index,
                     FWOrtAllocator *allocator, char **value);                             // 36
    FW_ORT_STATUS_FN(SessionGetOutputName, const FWOrtSession *session, size_t index,
                     FWOrtAllocator *allocator, char **value);                             // 37
    FW_ORT_STATUS_FN(SessionGetOverridableInitializerName, const FWOrtSession *session,
                     size_t index, FWOrtAllocator *allocator, char **value);               // 38
    FW_ORT_PAD(39); FW_ORT_PAD(40); FW_ORT_PAD(41); FW_ORT_PAD(42); FW_ORT_PAD(43);
    FW_ORT_PAD(44); FW_ORT_PAD(45); FW_ORT_PAD(46); FW_ORT_PAD(47); FW_ORT_PAD(48);
    FW_ORT_STATUS_FN(CreateTensorWithDataAsOrtValue, const FWOrtMemoryInfo *info, void *data,
                     size_t data_len, const int64_t *shape, size_t shape_len,
                     FWOrtElementType type, FWOrtValue **out);                             // 49
    FW_ORT_STATUS_FN(IsTensor, const FWOrtValue *value, int *out);                         // 50
    FW_ORT_STATUS_FN(GetTensorMutableData, FWOrtValue *value, void **out);                 // 51
    FW_ORT_PAD(52); FW_ORT_PAD(53); FW_ORT_PAD(54);
    FW_ORT_STATUS_FN(CastTypeInfoToTensorInfo, const FWOrtTypeInfo *type_info,
                     const FWOrtTensorTypeAndShapeInfo **out);                             // 55
    FW_ORT_STATUS_FN(GetOnnxTypeFromTypeInfo, const FWOrtTypeInfo *type_info,
                     FWOrtONNXType *out);                                                  // 56
    FW_ORT_PAD(57); FW_ORT_PAD(58); FW_ORT_PAD(59);
    FW_ORT_STATUS_FN(GetTensorElementType, const FWOrtTensorTypeAndShapeInfo *info,
                     FWOrtElementType *out);                                               // 60
    FW_ORT_STATUS_FN(GetDimensionsCount, const FWOrtTensorTypeAndShapeInfo *info,
                     size_t *out);                                                         // 61
    FW_ORT_STATUS_FN(GetDimensions, const FWOrtTensorTypeAndShapeInfo *info,
                     int64_t *dim_values, size_t dim_values_length);                       // 62
    FW_ORT_STATUS_FN(GetSymbolicDimensions, const FWOrtTensorTypeAndShapeInfo *info,
                     const char **dim_params, size_t dim_params_length);                   // 63
    FW_ORT_PAD(64);
    FW_ORT_STATUS_FN(GetTensorTypeAndShape, const FWOrtValue *value,
                     FWOrtTensorTypeAndShapeInfo **out);                                   // 65
    FW_ORT_PAD(66); FW_ORT_PAD(67); FW_ORT_PAD(68);
    FW_ORT_STATUS_FN(CreateCpuMemoryInfo, FWOrtAllocatorType type, FWOrtMemType mem_type,
                     FWOrtMemoryInfo **out);                                               // 69
    FW_ORT_PAD(70); FW_ORT_PAD(71); FW_ORT_PAD(72); FW_ORT_PAD(73); FW_ORT_PAD(74);
    FW_ORT_PAD(75);
    FW_ORT_STATUS_FN(AllocatorFree, FWOrtAllocator *allocator, void *p);                   // 76
    FW_ORT_PAD(77);
    FW_ORT_STATUS_FN(GetAllocatorWithDefaultOptions, FWOrtAllocator **out);                // 78
    FW_ORT_PAD(79); FW_ORT_PAD(80); FW_ORT_PAD(81); FW_ORT_PAD(82); FW_ORT_PAD(83);
    FW_ORT_PAD(84); FW_ORT_PAD(85); FW_ORT_PAD(86); FW_ORT_PAD(87); FW_ORT_PAD(88);
    FW_ORT_PAD(89); FW_ORT_PAD(90); FW_ORT_PAD(91);
    void (*_Nonnull ReleaseEnv)(FWOrtEnv *env);                                                     // 92
    void (*_Nonnull ReleaseStatus)(FWOrtStatus *status);                                            // 93
    void (*_Nonnull ReleaseMemoryInfo)(FWOrtMemoryInfo *info);                                      // 94
    void (*_Nonnull ReleaseSession)(FWOrtSession *session);                                         // 95
    void (*_Nonnull ReleaseValue)(FWOrtValue *value);                                               // 96
    FW_ORT_PAD(97);
    void (*_Nonnull ReleaseTypeInfo)(FWOrtTypeInfo *info);                                          // 98
    void (*_Nonnull ReleaseTensorTypeAndShapeInfo)(FWOrtTensorTypeAndShapeInfo *info);              // 99
    void (*_Nonnull ReleaseSessionOptions)(FWOrtSessionOptions *options);                           // 100
    FW_ORT_PAD(101); FW_ORT_PAD(102); FW_ORT_PAD(103); FW_ORT_PAD(104); FW_ORT_PAD(105);
    FW_ORT_PAD(106); FW_ORT_PAD(107); FW_ORT_PAD(108); FW_ORT_PAD(109); FW_ORT_PAD(110);
    FW_ORT_STATUS_FN(SessionGetModelMetadata, const FWOrtSession *session,
                     FWOrtModelMetadata **out);                                            // 111
    FW_ORT_PAD(112);
    FW_ORT_STATUS_FN(ModelMetadataGetGraphName, const FWOrtModelMetadata *metadata,
                     FWOrtAllocator *allocator, char **value);                             // 113
    FW_ORT_PAD(114); FW_ORT_PAD(115);
    FW_ORT_STATUS_FN(ModelMetadataLookupCustomMetadataMap, const FWOrtModelMetadata *metadata,
                     FWOrtAllocator *allocator, const char *key, char **value);            // 116
    FW_ORT_PAD(117);
    void (*_Nonnull ReleaseModelMetadata)(FWOrtModelMetadata *metadata);                            // 118
    FW_ORT_PAD(119); FW_ORT_PAD(120); FW_ORT_PAD(121); FW_ORT_PAD(122);
    FW_ORT_STATUS_FN(ModelMetadataGetCustomMetadataMapKeys, const FWOrtModelMetadata *metadata,
                     FWOrtAllocator *allocator, char ***keys, int64_t *num_keys);          // 123
    FW_ORT_PAD(124);
    FW_ORT_STATUS_FN(GetAvailableProviders, char ***out, int *length);                     // 125
    FW_ORT_STATUS_FN(ReleaseAvailableProviders, char **providers, int length);             // 126
    FW_ORT_PAD(127); FW_ORT_PAD(128); FW_ORT_PAD(129);
    FW_ORT_STATUS_FN(AddSessionConfigEntry, FWOrtSessionOptions *options, const char *key,
                     const char *value);                                                   // 130
    FW_ORT_PAD(131); FW_ORT_PAD(132); FW_ORT_PAD(133); FW_ORT_PAD(134); FW_ORT_PAD(135);
    FW_ORT_PAD(136); FW_ORT_PAD(137); FW_ORT_PAD(138); FW_ORT_PAD(139); FW_ORT_PAD(140);
    FW_ORT_PAD(141); FW_ORT_PAD(142); FW_ORT_PAD(143); FW_ORT_PAD(144); FW_ORT_PAD(145);
    FW_ORT_PAD(146); FW_ORT_PAD(147); FW_ORT_PAD(148); FW_ORT_PAD(149); FW_ORT_PAD(150);
    FW_ORT_PAD(151); FW_ORT_PAD(152); FW_ORT_PAD(153); FW_ORT_PAD(154); FW_ORT_PAD(155);
    FW_ORT_PAD(156); FW_ORT_PAD(157); FW_ORT_PAD(158); FW_ORT_PAD(159); FW_ORT_PAD(160);
    FW_ORT_PAD(161); FW_ORT_PAD(162); FW_ORT_PAD(163); FW_ORT_PAD(164); FW_ORT_PAD(165);
    FW_ORT_PAD(166); FW_ORT_PAD(167); FW_ORT_PAD(168); FW_ORT_PAD(169);
    FW_ORT_STATUS_FN(SessionOptionsAppendExecutionProvider_TensorRT_V2, FWOrtSessionOptions *options,
                     const FWOrtTensorRTProviderOptionsV2 *provider_options);              // 170
    FW_ORT_STATUS_FN(CreateTensorRTProviderOptions, FWOrtTensorRTProviderOptionsV2 **out); // 171
    FW_ORT_STATUS_FN(UpdateTensorRTProviderOptions, FWOrtTensorRTProviderOptionsV2 *options,
                     const char *const *keys, const char *const *values, size_t count);    // 172
    FW_ORT_PAD(173);
    void (*_Nonnull ReleaseTensorRTProviderOptions)(FWOrtTensorRTProviderOptionsV2 *options);       // 174
    FW_ORT_PAD(175); FW_ORT_PAD(176); FW_ORT_PAD(177); FW_ORT_PAD(178); FW_ORT_PAD(179);
    FW_ORT_PAD(180); FW_ORT_PAD(181); FW_ORT_PAD(182); FW_ORT_PAD(183); FW_ORT_PAD(184);
    FW_ORT_PAD(185); FW_ORT_PAD(186); FW_ORT_PAD(187); FW_ORT_PAD(188); FW_ORT_PAD(189);
    FW_ORT_PAD(190); FW_ORT_PAD(191); FW_ORT_PAD(192); FW_ORT_PAD(193); FW_ORT_PAD(194);
    FW_ORT_PAD(195); FW_ORT_PAD(196); FW_ORT_PAD(197); FW_ORT_PAD(198); FW_ORT_PAD(199);
    FW_ORT_PAD(200); FW_ORT_PAD(201); FW_ORT_PAD(202); FW_ORT_PAD(203);
    FW_ORT_STATUS_FN(SessionOptionsAppendExecutionProvider_CUDA_V2, FWOrtSessionOptions *options,
                     const FWOrtCUDAProviderOptionsV2 *provider_options);                  // 204
    FW_ORT_STATUS_FN(CreateCUDAProviderOptions, FWOrtCUDAProviderOptionsV2 **out);         // 205
    FW_ORT_STATUS_FN(UpdateCUDAProviderOptions, FWOrtCUDAProviderOptionsV2 *options,
                     const char *const *keys, const char *const *values, size_t count);    // 206
    FW_ORT_PAD(207);
    void (*_Nonnull ReleaseCUDAProviderOptions)(FWOrtCUDAProviderOptionsV2 *options);               // 208
} FWOrtApi;

#pragma clang diagnostic pop

#undef FW_ORT_STATUS_FN
#undef FW_ORT_PAD

/// Opens the ONNX Runtime shared library at `path` (never closed again), calls
/// `OrtGetApiBase()->GetApi(api_version)` and returns the function table. On failure returns NULL
/// and writes a readable reason (missing file, not an ORT library, version too old) into `err`.
const FWOrtApi *_Nullable fw_ort_load(const char *_Nonnull path, uint32_t api_version, char *_Nullable err,
                                      size_t errlen);

/// The version string ("1.31.1") of the ONNX Runtime library at `path`, or NULL if it cannot be opened.
const char *_Nullable fw_ort_version(const char *_Nonnull path);

#ifdef __cplusplus
}
#endif

#endif  // FRAMEWISE_CONNXRUNTIME_H
