// The dlopen loader for ONNX Runtime and the compile-time pins of every OrtApi slot we use.
#include "CONNXRuntime.h"

#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

// Every slot FWOrtApi declares, with its index in ORT's `ort_api_1_to_N` table (which never reorders).
#define FW_ORT_USED_SLOTS(X) \
    X(CreateStatus, 0) \
    X(GetErrorCode, 1) \
    X(GetErrorMessage, 2) \
    X(CreateEnv, 3) \
    X(CreateEnvWithCustomLogger, 4) \
    X(CreateSession, 7) \
    X(Run, 9) \
    X(CreateSessionOptions, 10) \
    X(SetSessionGraphOptimizationLevel, 23) \
    X(SetIntraOpNumThreads, 24) \
    X(SetInterOpNumThreads, 25) \
    X(SessionGetInputCount, 30) \
    X(SessionGetOutputCount, 31) \
    X(SessionGetOverridableInitializerCount, 32) \
    X(SessionGetInputTypeInfo, 33) \
    X(SessionGetOutputTypeInfo, 34) \
    X(SessionGetInputName, 36) \
    X(SessionGetOutputName, 37) \
    X(SessionGetOverridableInitializerName, 38) \
    X(CreateTensorWithDataAsOrtValue, 49) \
    X(IsTensor, 50) \
    X(GetTensorMutableData, 51) \
    X(CastTypeInfoToTensorInfo, 55) \
    X(GetOnnxTypeFromTypeInfo, 56) \
    X(GetTensorElementType, 60) \
    X(GetDimensionsCount, 61) \
    X(GetDimensions, 62) \
    X(GetSymbolicDimensions, 63) \
    X(GetTensorTypeAndShape, 65) \
    X(CreateCpuMemoryInfo, 69) \
    X(AllocatorFree, 76) \
    X(GetAllocatorWithDefaultOptions, 78) \
    X(ReleaseEnv, 92) \
    X(ReleaseStatus, 93) \
    X(ReleaseMemoryInfo, 94) \
    X(ReleaseSession, 95) \
    X(ReleaseValue, 96) \
    X(ReleaseTypeInfo, 98) \
    X(ReleaseTensorTypeAndShapeInfo, 99) \
    X(ReleaseSessionOptions, 100) \
    X(SessionGetModelMetadata, 111) \
    X(ModelMetadataGetGraphName, 113) \
    X(ModelMetadataLookupCustomMetadataMap, 116) \
    X(ReleaseModelMetadata, 118) \
    X(ModelMetadataGetCustomMetadataMapKeys, 123) \
    X(GetAvailableProviders, 125) \
    X(ReleaseAvailableProviders, 126) \
    X(AddSessionConfigEntry, 130) \
    X(SessionOptionsAppendExecutionProvider_TensorRT_V2, 170) \
    X(CreateTensorRTProviderOptions, 171) \
    X(UpdateTensorRTProviderOptions, 172) \
    X(ReleaseTensorRTProviderOptions, 174) \
    X(SessionOptionsAppendExecutionProvider_CUDA_V2, 204) \
    X(CreateCUDAProviderOptions, 205) \
    X(UpdateCUDAProviderOptions, 206) \
    X(ReleaseCUDAProviderOptions, 208)

#define FW_PIN_SLOT(name, index) \
    _Static_assert(offsetof(FWOrtApi, name) == (index) * sizeof(void *), "OrtApi slot " #name " must be " #index);
FW_ORT_USED_SLOTS(FW_PIN_SLOT)
#undef FW_PIN_SLOT

_Static_assert(sizeof(FWOrtApi) == 209 * sizeof(void *), "FWOrtApi covers slots 0...208");

// OrtApiBase: two slots that can never change (GetApi, GetVersionString).
typedef struct FWOrtApiBase {
    const FWOrtApi *(*GetApi)(uint32_t version);
    const char *(*GetVersionString)(void);
} FWOrtApiBase;

typedef const FWOrtApiBase *(*FWGetApiBaseFn)(void);

static const FWOrtApiBase *fw_api_base(const char *path, char *err, size_t errlen) {
    if (path == NULL || path[0] == '\0') {
        snprintf(err, errlen, "no ONNX Runtime library path given");
        return NULL;
    }
    if (access(path, R_OK) != 0) {
        snprintf(err, errlen, "ONNX Runtime library %s does not exist or is not readable", path);
        return NULL;
    }
    // Never dlclose: ORT keeps threads and static state alive for the whole process.
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(err, errlen, "cannot load ONNX Runtime library %s: %s", path, reason ? reason : "unknown dlopen error");
        return NULL;
    }
    FWGetApiBaseFn get_base = (FWGetApiBaseFn)dlsym(handle, "OrtGetApiBase");
    if (get_base == NULL) {
        snprintf(err, errlen, "%s is not an ONNX Runtime library: it does not export OrtGetApiBase", path);
        return NULL;
    }
    const FWOrtApiBase *base = get_base();
    if (base == NULL || base->GetApi == NULL) {
        snprintf(err, errlen, "OrtGetApiBase() in %s returned no API", path);
        return NULL;
    }
    return base;
}

const FWOrtApi *_Nullable fw_ort_load(const char *_Nonnull path, uint32_t api_version, char *_Nullable err,
                                      size_t errlen) {
    char scratch[8];
    if (err == NULL || errlen == 0) {
        err = scratch;
        errlen = sizeof scratch;
    }
    err[0] = '\0';
    const FWOrtApiBase *base = fw_api_base(path, err, errlen);
    if (base == NULL) return NULL;
    const FWOrtApi *api = base->GetApi(api_version);
    if (api == NULL) {
        const char *version = base->GetVersionString ? base->GetVersionString() : NULL;
        snprintf(err, errlen,
                 "ONNX Runtime %s at %s does not provide C API version %u (it is too old; Framewise needs ONNX Runtime 1.%u or newer)",
                 version ? version : "(unknown version)", path, api_version, api_version);
        return NULL;
    }
    // The Swift side calls these slots without checking: make sure the library filled them in.
#define FW_CHECK_SLOT(name, index)                                                                  \
    if (*(void *const *)((const char *)api + offsetof(FWOrtApi, name)) == NULL) {                   \
        snprintf(err, errlen, "ONNX Runtime at %s has no OrtApi::%s (slot %d)", path, #name, index); \
        return NULL;                                                                                \
    }
    FW_ORT_USED_SLOTS(FW_CHECK_SLOT)
#undef FW_CHECK_SLOT
    return api;
}

const char *_Nullable fw_ort_version(const char *_Nonnull path) {
    char err[16];
    const FWOrtApiBase *base = fw_api_base(path, err, sizeof err);
    if (base == NULL || base->GetVersionString == NULL) return NULL;
    return base->GetVersionString();
}
