// Kiln's XLA:CPU PJRT plugin.
//
// A PJRT C API table (pjrt_c_api.h, taken from the tensorflow_cpu wheel at build time) filled
// for the slots Kiln's Java binding uses, on top of the XLA:CPU client classes that the wheel's
// libtensorflow_cc exports. Slots Kiln does not use stay null; the binding checks every slot
// before calling it. Work is done synchronously: every event this plugin hands out is already
// complete when it is returned, carrying the status of the work it stands for.
//
// Build flags that matter (see tpu-stub/build-plugin.sh): -DNDEBUG (the wheel was built with it,
// and the layout of its async values depends on it) and default symbol visibility (so the
// plugin shares the wheel's type ids for async values instead of registering its own).

#include <cstddef>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "xla/hlo/builder/xla_computation.h"
#include "xla/literal.h"
#include "xla/pjrt/c/pjrt_c_api.h"
#include "xla/pjrt/pjrt_client.h"
#include "xla/pjrt/pjrt_executable.h"
#include "xla/pjrt/plugin/xla_cpu/cpu_client_options.h"
#include "xla/pjrt/plugin/xla_cpu/xla_cpu_pjrt_client.h"
#include "xla/pjrt/proto/compile_options.pb.h"
#include "xla/shape_util.h"

// The few MLIR entry points the plugin calls, declared by hand: the wheel exports them from
// libtensorflow_framework but ships no MLIR headers. Only what the calls need is declared: an
// MLIR context is one pointer to its implementation (room is left to spare), an operation is
// only ever pointed to.
namespace mlir {
class Operation {
 public:
  void erase();
};
class MLIRContext {
 public:
  enum Threading { DISABLED, ENABLED };
  explicit MLIRContext(Threading multithreading);
  ~MLIRContext();

 private:
  alignas(16) unsigned char storage_[256];
};
namespace mhlo {
// Seven flags, all false by default (mhlo_passes.h.inc in the wheel).
struct ChloLegalizeToHighLevelMhloPassOptions {
  bool enable_acosh_ = false;
  bool enable_acos_ = false;
  bool enable_atanh_ = false;
  bool enable_cosh_ = false;
  bool enable_sinh_ = false;
  bool enable_asin_ = false;
  bool enable_asinh_ = false;
};
}  // namespace mhlo
}  // namespace mlir

namespace kiln {
// Laid out as mlir::OwningOpRef<mlir::ModuleOp> (one ModuleOp), and like it erases the module.
class OwnedModule {
 public:
  OwnedModule(OwnedModule&& other) noexcept : module_(other.module_) { other.module_ = mlir::ModuleOp(); }
  OwnedModule& operator=(OwnedModule&& other) = delete;
  ~OwnedModule() {
    if (module_) module_.getOperation()->erase();
  }
  mlir::ModuleOp get() const { return module_; }

 private:
  mlir::ModuleOp module_;
};
}  // namespace kiln

namespace xla {
// Exported by libtensorflow_cc; declared here because their header pulls in MLIR headers the
// wheel does not ship. ParseMlirModuleString returns absl::StatusOr<mlir::OwningOpRef<
// mlir::ModuleOp>>, laid out as kiln::OwnedModule.
absl::Status ParseMlirModuleStringAndConvertToXlaComputation(
    absl::string_view mlir_module_str, XlaComputation& xla_computation, bool use_tuple_args,
    bool return_tuple);
absl::StatusOr<kiln::OwnedModule> ParseMlirModuleString(absl::string_view mlir_module_str,
                                                        mlir::MLIRContext& context);
absl::Status MlirToXlaComputation(mlir::ModuleOp module, XlaComputation& xla_computation,
                                  bool use_tuple_args, bool return_tuple,
                                  ExecutableBuildOptions* exec_build_options,
                                  const mlir::mhlo::ChloLegalizeToHighLevelMhloPassOptions& chlo);
}  // namespace xla

// ---- The opaque types of the C API, as this plugin defines them ----

struct PJRT_Error {
  absl::Status status;
  std::string message;
};

struct PJRT_Event {
  absl::Status status;
};

struct PJRT_DeviceDescription {
  const xla::PjRtDeviceDescription* description;
};

struct PJRT_Device {
  xla::PjRtDevice* device;
  PJRT_DeviceDescription description;
};

struct PJRT_Client {
  std::unique_ptr<xla::PjRtClient> client;
  std::vector<std::unique_ptr<PJRT_Device>> owned_devices;
  std::vector<PJRT_Device*> devices;
  std::vector<PJRT_Device*> addressable_devices;
  std::unordered_map<const xla::PjRtDevice*, PJRT_Device*> by_device;
  std::string platform_name;
  std::string platform_version;
};

struct PJRT_LoadedExecutable {
  std::shared_ptr<xla::PjRtLoadedExecutable> executable;
  PJRT_Client* client;
};

struct PJRT_Executable {
  std::shared_ptr<xla::PjRtLoadedExecutable> executable;
  std::string name;
  bool specs_ready = false;
  std::vector<PJRT_Buffer_Type> output_types;
  std::vector<int64_t> output_dims;
  std::vector<size_t> output_ranks;
};

struct PJRT_Buffer {
  std::unique_ptr<xla::PjRtBuffer> buffer;
  PJRT_Client* client;
  std::vector<int64_t> dims;
};

namespace {

PJRT_Error* MakeError(absl::Status status) {
  if (status.ok()) return nullptr;
  auto* error = new PJRT_Error{status, std::string(status.message())};
  return error;
}

PJRT_Error* InvalidArgument(std::string message) {
  return MakeError(absl::InvalidArgumentError(std::move(message)));
}

// The caller's struct must be at least as large as the one this plugin was compiled against.
#define KILN_CHECK_ARGS(type, args)                                                         \
  do {                                                                                      \
    if ((args) == nullptr) return InvalidArgument(#type ": null arguments");                \
    if ((args)->struct_size < type##_STRUCT_SIZE)                                           \
      return InvalidArgument(absl::StrCat("Unexpected ", #type, " size: expected ",         \
                                          type##_STRUCT_SIZE, ", got ", (args)->struct_size)); \
  } while (0)

#define KILN_RETURN_IF_ERROR(expr)                        \
  do {                                                    \
    absl::Status kiln_status_ = (expr);                   \
    if (!kiln_status_.ok()) return MakeError(kiln_status_); \
  } while (0)

std::optional<xla::PrimitiveType> ToXlaType(PJRT_Buffer_Type type) {
  switch (type) {
    case PJRT_Buffer_Type_PRED: return xla::PRED;
    case PJRT_Buffer_Type_S8: return xla::S8;
    case PJRT_Buffer_Type_S16: return xla::S16;
    case PJRT_Buffer_Type_S32: return xla::S32;
    case PJRT_Buffer_Type_S64: return xla::S64;
    case PJRT_Buffer_Type_U8: return xla::U8;
    case PJRT_Buffer_Type_U16: return xla::U16;
    case PJRT_Buffer_Type_U32: return xla::U32;
    case PJRT_Buffer_Type_U64: return xla::U64;
    case PJRT_Buffer_Type_F16: return xla::F16;
    case PJRT_Buffer_Type_F32: return xla::F32;
    case PJRT_Buffer_Type_F64: return xla::F64;
    case PJRT_Buffer_Type_BF16: return xla::BF16;
    default: return std::nullopt;
  }
}

PJRT_Buffer_Type ToPjrtType(xla::PrimitiveType type) {
  switch (type) {
    case xla::PRED: return PJRT_Buffer_Type_PRED;
    case xla::S8: return PJRT_Buffer_Type_S8;
    case xla::S16: return PJRT_Buffer_Type_S16;
    case xla::S32: return PJRT_Buffer_Type_S32;
    case xla::S64: return PJRT_Buffer_Type_S64;
    case xla::U8: return PJRT_Buffer_Type_U8;
    case xla::U16: return PJRT_Buffer_Type_U16;
    case xla::U32: return PJRT_Buffer_Type_U32;
    case xla::U64: return PJRT_Buffer_Type_U64;
    case xla::F16: return PJRT_Buffer_Type_F16;
    case xla::F32: return PJRT_Buffer_Type_F32;
    case xla::F64: return PJRT_Buffer_Type_F64;
    case xla::BF16: return PJRT_Buffer_Type_BF16;
    default: return PJRT_Buffer_Type_INVALID;
  }
}

PJRT_Event* CompletedEvent(absl::Status status) { return new PJRT_Event{std::move(status)}; }

PJRT_Buffer* WrapBuffer(std::unique_ptr<xla::PjRtBuffer> buffer, PJRT_Client* client) {
  auto* wrapped = new PJRT_Buffer{std::move(buffer), client, {}};
  absl::Span<const int64_t> dims = wrapped->buffer->dimensions();
  wrapped->dims.assign(dims.begin(), dims.end());
  return wrapped;
}

// ---- Errors ----

void ErrorDestroy(PJRT_Error_Destroy_Args* args) {
  if (args != nullptr) delete args->error;
}

void ErrorMessage(PJRT_Error_Message_Args* args) {
  if (args == nullptr || args->error == nullptr) return;
  args->message = args->error->message.data();
  args->message_size = args->error->message.size();
}

PJRT_Error* ErrorGetCode(PJRT_Error_GetCode_Args* args) {
  KILN_CHECK_ARGS(PJRT_Error_GetCode_Args, args);
  args->code = static_cast<PJRT_Error_Code>(static_cast<int>(args->error->status.code()));
  return nullptr;
}

// ---- Plugin ----

PJRT_Error* PluginInitialize(PJRT_Plugin_Initialize_Args* args) {
  KILN_CHECK_ARGS(PJRT_Plugin_Initialize_Args, args);
  return nullptr;
}

// The StableHLO versions of the wheel's parser (stablehlo/dialect/Version.h in the wheel).
const int64_t kStablehloCurrent[] = {1, 13, 7};
const int64_t kStablehloMinimum[] = {0, 9, 0};

PJRT_NamedValue Attribute(const char* name, const int64_t* values, size_t count) {
  PJRT_NamedValue value{};
  value.struct_size = PJRT_NamedValue_STRUCT_SIZE;
  value.name = name;
  value.name_size = std::strlen(name);
  value.type = PJRT_NamedValue_kInt64List;
  value.int64_array_value = values;
  value.value_size = count;
  return value;
}

PJRT_NamedValue StringAttribute(const char* name, const char* text) {
  PJRT_NamedValue value{};
  value.struct_size = PJRT_NamedValue_STRUCT_SIZE;
  value.name = name;
  value.name_size = std::strlen(name);
  value.type = PJRT_NamedValue_kString;
  value.string_value = text;
  value.value_size = std::strlen(text);
  return value;
}

PJRT_Error* PluginAttributes(PJRT_Plugin_Attributes_Args* args) {
  KILN_CHECK_ARGS(PJRT_Plugin_Attributes_Args, args);
  static const PJRT_NamedValue attributes[] = {
      StringAttribute("kiln_plugin", "XLA:CPU from tensorflow_cpu 2.21.0"),
      Attribute("stablehlo_current_version", kStablehloCurrent, 3),
      Attribute("stablehlo_minimum_version", kStablehloMinimum, 3),
  };
  args->attributes = attributes;
  args->num_attributes = sizeof(attributes) / sizeof(attributes[0]);
  return nullptr;
}

// ---- Events ----

PJRT_Error* EventDestroy(PJRT_Event_Destroy_Args* args) {
  KILN_CHECK_ARGS(PJRT_Event_Destroy_Args, args);
  delete args->event;
  return nullptr;
}

PJRT_Error* EventIsReady(PJRT_Event_IsReady_Args* args) {
  KILN_CHECK_ARGS(PJRT_Event_IsReady_Args, args);
  args->is_ready = true;
  return nullptr;
}

PJRT_Error* EventError(PJRT_Event_Error_Args* args) {
  KILN_CHECK_ARGS(PJRT_Event_Error_Args, args);
  return MakeError(args->event->status);
}

PJRT_Error* EventAwait(PJRT_Event_Await_Args* args) {
  KILN_CHECK_ARGS(PJRT_Event_Await_Args, args);
  return MakeError(args->event->status);
}

PJRT_Error* EventOnReady(PJRT_Event_OnReady_Args* args) {
  KILN_CHECK_ARGS(PJRT_Event_OnReady_Args, args);
  args->callback(MakeError(args->event->status), args->user_arg);
  return nullptr;
}

// ---- Client ----

PJRT_Error* ClientCreate(PJRT_Client_Create_Args* args) {
  KILN_CHECK_ARGS(PJRT_Client_Create_Args, args);
  xla::CpuClientOptions options;
  options.cpu_device_count = 1;
  for (size_t i = 0; i < args->num_options; ++i) {
    const PJRT_NamedValue& option = args->create_options[i];
    absl::string_view name(option.name, option.name_size);
    if (name == "cpu_device_count" && option.type == PJRT_NamedValue_kInt64) {
      options.cpu_device_count = static_cast<int>(option.int64_value);
    } else if (name == "asynchronous" && option.type == PJRT_NamedValue_kBool) {
      options.asynchronous = option.bool_value;
    } else {
      return InvalidArgument(absl::StrCat("PJRT_Client_Create: unknown option '", name,
                                          "' (this plugin knows cpu_device_count and "
                                          "asynchronous)"));
    }
  }
  absl::StatusOr<std::unique_ptr<xla::PjRtClient>> client =
      xla::GetXlaPjrtCpuClient(std::move(options));
  KILN_RETURN_IF_ERROR(client.status());
  auto wrapped = std::make_unique<PJRT_Client>();
  wrapped->client = std::move(*client);
  wrapped->platform_name = std::string(wrapped->client->platform_name());
  wrapped->platform_version = std::string(wrapped->client->platform_version());
  for (xla::PjRtDevice* device : wrapped->client->devices()) {
    auto owned = std::make_unique<PJRT_Device>();
    owned->device = device;
    owned->description.description = &device->description();
    wrapped->by_device[device] = owned.get();
    wrapped->devices.push_back(owned.get());
    wrapped->owned_devices.push_back(std::move(owned));
  }
  for (xla::PjRtDevice* device : wrapped->client->addressable_devices()) {
    auto found = wrapped->by_device.find(device);
    if (found == wrapped->by_device.end()) {
      return MakeError(absl::InternalError("PJRT_Client_Create: addressable device missing"));
    }
    wrapped->addressable_devices.push_back(found->second);
  }
  args->client = wrapped.release();
  return nullptr;
}

PJRT_Error* ClientDestroy(PJRT_Client_Destroy_Args* args) {
  KILN_CHECK_ARGS(PJRT_Client_Destroy_Args, args);
  delete args->client;
  return nullptr;
}

PJRT_Error* ClientPlatformName(PJRT_Client_PlatformName_Args* args) {
  KILN_CHECK_ARGS(PJRT_Client_PlatformName_Args, args);
  args->platform_name = args->client->platform_name.data();
  args->platform_name_size = args->client->platform_name.size();
  return nullptr;
}

PJRT_Error* ClientProcessIndex(PJRT_Client_ProcessIndex_Args* args) {
  KILN_CHECK_ARGS(PJRT_Client_ProcessIndex_Args, args);
  args->process_index = args->client->client->process_index();
  return nullptr;
}

PJRT_Error* ClientPlatformVersion(PJRT_Client_PlatformVersion_Args* args) {
  KILN_CHECK_ARGS(PJRT_Client_PlatformVersion_Args, args);
  args->platform_version = args->client->platform_version.data();
  args->platform_version_size = args->client->platform_version.size();
  return nullptr;
}

PJRT_Error* ClientDevices(PJRT_Client_Devices_Args* args) {
  KILN_CHECK_ARGS(PJRT_Client_Devices_Args, args);
  args->devices = args->client->devices.data();
  args->num_devices = args->client->devices.size();
  return nullptr;
}

PJRT_Error* ClientAddressableDevices(PJRT_Client_AddressableDevices_Args* args) {
  KILN_CHECK_ARGS(PJRT_Client_AddressableDevices_Args, args);
  args->addressable_devices = args->client->addressable_devices.data();
  args->num_addressable_devices = args->client->addressable_devices.size();
  return nullptr;
}

// StableHLO text to an XLA computation. XLA's one-call conversion makes a new MLIR context per
// program and loads every dialect into it, which was about half the compile time of a small
// program; the plugin keeps one context (single-threaded, under a lock) and makes a new one
// every 2,000 programs, so the attributes it keeps uniqued do not grow without bound.
// KILN_PJRT_FRESH_CONTEXT=1 uses XLA's one-call conversion instead.
absl::Status ToXlaComputation(absl::string_view text, xla::XlaComputation& computation) {
  static const bool fresh = [] {
    const char* v = std::getenv("KILN_PJRT_FRESH_CONTEXT");
    return v != nullptr && std::string(v) == "1";
  }();
  if (fresh) {
    return xla::ParseMlirModuleStringAndConvertToXlaComputation(text, computation, false, false);
  }
  // A plain pointer, never destroyed at exit: the C library's exit runs static destructors while
  // other threads of the JVM may still be running, and one of them could be compiling.
  static std::mutex mutex;
  static mlir::MLIRContext* context = nullptr;
  static int uses = 0;
  std::lock_guard<std::mutex> lock(mutex);
  if (context == nullptr || uses >= 2000) {
    delete context;
    context = new mlir::MLIRContext(mlir::MLIRContext::DISABLED);
    uses = 0;
  }
  ++uses;
  absl::StatusOr<kiln::OwnedModule> module = xla::ParseMlirModuleString(text, *context);
  if (!module.ok()) return module.status();
  return xla::MlirToXlaComputation(module->get(), computation, /*use_tuple_args=*/false,
                                   /*return_tuple=*/false, /*exec_build_options=*/nullptr,
                                   mlir::mhlo::ChloLegalizeToHighLevelMhloPassOptions{});
}

PJRT_Error* ClientCompile(PJRT_Client_Compile_Args* args) {
  KILN_CHECK_ARGS(PJRT_Client_Compile_Args, args);
  if (args->program == nullptr) return InvalidArgument("PJRT_Client_Compile: no program");
  KILN_CHECK_ARGS(PJRT_Program, args->program);
  absl::string_view format(args->program->format, args->program->format_size);
  if (format != "mlir") {
    return MakeError(absl::UnimplementedError(absl::StrCat(
        "PJRT_Client_Compile: program format '", format, "' is not supported; use 'mlir'")));
  }
  xla::CompileOptionsProto proto;
  if (!proto.ParseFromArray(args->compile_options,
                            static_cast<int>(args->compile_options_size))) {
    return InvalidArgument("PJRT_Client_Compile: failed to deserialize CompileOptionsProto");
  }
  absl::StatusOr<xla::CompileOptions> options = xla::CompileOptions::FromProto(proto);
  KILN_RETURN_IF_ERROR(options.status());
  xla::XlaComputation computation;
  KILN_RETURN_IF_ERROR(ToXlaComputation(
      absl::string_view(args->program->code, args->program->code_size), computation));
  absl::StatusOr<std::unique_ptr<xla::PjRtLoadedExecutable>> executable =
      args->client->client->CompileAndLoad(computation, std::move(*options));
  KILN_RETURN_IF_ERROR(executable.status());
  args->executable = new PJRT_LoadedExecutable{
      std::shared_ptr<xla::PjRtLoadedExecutable>(std::move(*executable)), args->client};
  return nullptr;
}

PJRT_Error* ClientBufferFromHostBuffer(PJRT_Client_BufferFromHostBuffer_Args* args) {
  KILN_CHECK_ARGS(PJRT_Client_BufferFromHostBuffer_Args, args);
  std::optional<xla::PrimitiveType> type = ToXlaType(args->type);
  if (!type.has_value()) {
    return InvalidArgument(absl::StrCat("PJRT_Client_BufferFromHostBuffer: element type ",
                                        static_cast<int>(args->type), " is not supported"));
  }
  if (args->device_layout != nullptr) {
    return MakeError(absl::UnimplementedError(
        "PJRT_Client_BufferFromHostBuffer: device_layout is not supported"));
  }
  PJRT_Device* device = args->device;
  if (device == nullptr) {
    if (args->client->addressable_devices.empty()) {
      return InvalidArgument("PJRT_Client_BufferFromHostBuffer: the client has no devices");
    }
    device = args->client->addressable_devices[0];
  }
  absl::StatusOr<xla::PjRtMemorySpace*> memory = device->device->default_memory_space();
  KILN_RETURN_IF_ERROR(memory.status());
  absl::Span<const int64_t> dims(args->dims, args->num_dims);
  std::optional<absl::Span<const int64_t>> strides;
  if (args->byte_strides != nullptr) {
    strides = absl::Span<const int64_t>(args->byte_strides, args->num_byte_strides);
  }
  // The host data is copied during the call, whatever the caller allowed: the buffer never
  // aliases host memory, and done_with_host_buffer is complete on return.
  absl::StatusOr<std::unique_ptr<xla::PjRtBuffer>> buffer =
      args->client->client->BufferFromHostBuffer(
          args->data, *type, dims, strides,
          xla::PjRtClient::HostBufferSemantics::kImmutableOnlyDuringCall, nullptr, *memory,
          nullptr);
  KILN_RETURN_IF_ERROR(buffer.status());
  args->buffer = WrapBuffer(std::move(*buffer), args->client);
  args->done_with_host_buffer = CompletedEvent(absl::OkStatus());
  return nullptr;
}

// ---- Devices ----

PJRT_Error* DeviceDescriptionId(PJRT_DeviceDescription_Id_Args* args) {
  KILN_CHECK_ARGS(PJRT_DeviceDescription_Id_Args, args);
  args->id = args->device_description->description->id();
  return nullptr;
}

PJRT_Error* DeviceDescriptionProcessIndex(PJRT_DeviceDescription_ProcessIndex_Args* args) {
  KILN_CHECK_ARGS(PJRT_DeviceDescription_ProcessIndex_Args, args);
  args->process_index = args->device_description->description->process_index();
  return nullptr;
}

PJRT_Error* DeviceDescriptionKind(PJRT_DeviceDescription_Kind_Args* args) {
  KILN_CHECK_ARGS(PJRT_DeviceDescription_Kind_Args, args);
  absl::string_view kind = args->device_description->description->device_kind();
  args->device_kind = kind.data();
  args->device_kind_size = kind.size();
  return nullptr;
}

PJRT_Error* DeviceDescriptionDebugString(PJRT_DeviceDescription_DebugString_Args* args) {
  KILN_CHECK_ARGS(PJRT_DeviceDescription_DebugString_Args, args);
  absl::string_view text = args->device_description->description->DebugString();
  args->debug_string = text.data();
  args->debug_string_size = text.size();
  return nullptr;
}

PJRT_Error* DeviceDescriptionToString(PJRT_DeviceDescription_ToString_Args* args) {
  KILN_CHECK_ARGS(PJRT_DeviceDescription_ToString_Args, args);
  absl::string_view text = args->device_description->description->ToString();
  args->to_string = text.data();
  args->to_string_size = text.size();
  return nullptr;
}

PJRT_Error* DeviceGetDescription(PJRT_Device_GetDescription_Args* args) {
  KILN_CHECK_ARGS(PJRT_Device_GetDescription_Args, args);
  args->device_description = &args->device->description;
  return nullptr;
}

PJRT_Error* DeviceIsAddressable(PJRT_Device_IsAddressable_Args* args) {
  KILN_CHECK_ARGS(PJRT_Device_IsAddressable_Args, args);
  args->is_addressable = args->device->device->IsAddressable();
  return nullptr;
}

PJRT_Error* DeviceLocalHardwareId(PJRT_Device_LocalHardwareId_Args* args) {
  KILN_CHECK_ARGS(PJRT_Device_LocalHardwareId_Args, args);
  args->local_hardware_id = args->device->device->local_hardware_id().value();
  return nullptr;
}

// ---- Executables ----

PJRT_Error* ExecutableDestroy(PJRT_Executable_Destroy_Args* args) {
  KILN_CHECK_ARGS(PJRT_Executable_Destroy_Args, args);
  delete args->executable;
  return nullptr;
}

PJRT_Error* ExecutableName(PJRT_Executable_Name_Args* args) {
  KILN_CHECK_ARGS(PJRT_Executable_Name_Args, args);
  args->executable_name = args->executable->name.data();
  args->executable_name_size = args->executable->name.size();
  return nullptr;
}

PJRT_Error* ExecutableNumReplicas(PJRT_Executable_NumReplicas_Args* args) {
  KILN_CHECK_ARGS(PJRT_Executable_NumReplicas_Args, args);
  args->num_replicas = args->executable->executable->num_replicas();
  return nullptr;
}

PJRT_Error* ExecutableNumPartitions(PJRT_Executable_NumPartitions_Args* args) {
  KILN_CHECK_ARGS(PJRT_Executable_NumPartitions_Args, args);
  args->num_partitions = args->executable->executable->num_partitions();
  return nullptr;
}

// Reads the output types and shapes once, for the slots that return them.
absl::Status LoadOutputSpecs(PJRT_Executable* executable) {
  if (executable->specs_ready) return absl::OkStatus();
  absl::StatusOr<std::vector<std::vector<xla::PrimitiveType>>> types =
      executable->executable->GetOutputElementTypes();
  if (!types.ok()) return types.status();
  absl::StatusOr<std::vector<std::vector<xla::DimensionVector>>> dims =
      executable->executable->GetOutputDimensions();
  if (!dims.ok()) return dims.status();
  if (types->size() != 1 || dims->size() != 1) {
    return absl::UnimplementedError("this plugin handles executables of one program only");
  }
  for (xla::PrimitiveType type : (*types)[0]) executable->output_types.push_back(ToPjrtType(type));
  for (const xla::DimensionVector& shape : (*dims)[0]) {
    executable->output_ranks.push_back(shape.size());
    executable->output_dims.insert(executable->output_dims.end(), shape.begin(), shape.end());
  }
  executable->specs_ready = true;
  return absl::OkStatus();
}

PJRT_Error* ExecutableNumOutputs(PJRT_Executable_NumOutputs_Args* args) {
  KILN_CHECK_ARGS(PJRT_Executable_NumOutputs_Args, args);
  KILN_RETURN_IF_ERROR(LoadOutputSpecs(args->executable));
  args->num_outputs = args->executable->output_types.size();
  return nullptr;
}

PJRT_Error* ExecutableOutputElementTypes(PJRT_Executable_OutputElementTypes_Args* args) {
  KILN_CHECK_ARGS(PJRT_Executable_OutputElementTypes_Args, args);
  KILN_RETURN_IF_ERROR(LoadOutputSpecs(args->executable));
  args->output_types = args->executable->output_types.data();
  args->num_output_types = args->executable->output_types.size();
  return nullptr;
}

PJRT_Error* ExecutableOutputDimensions(PJRT_Executable_OutputDimensions_Args* args) {
  KILN_CHECK_ARGS(PJRT_Executable_OutputDimensions_Args, args);
  KILN_RETURN_IF_ERROR(LoadOutputSpecs(args->executable));
  args->num_outputs = args->executable->output_ranks.size();
  args->dims = args->executable->output_dims.data();
  args->dim_sizes = args->executable->output_ranks.data();
  return nullptr;
}

PJRT_Error* LoadedExecutableDestroy(PJRT_LoadedExecutable_Destroy_Args* args) {
  KILN_CHECK_ARGS(PJRT_LoadedExecutable_Destroy_Args, args);
  delete args->executable;
  return nullptr;
}

PJRT_Error* LoadedExecutableGetExecutable(PJRT_LoadedExecutable_GetExecutable_Args* args) {
  KILN_CHECK_ARGS(PJRT_LoadedExecutable_GetExecutable_Args, args);
  auto* executable = new PJRT_Executable();
  executable->executable = args->loaded_executable->executable;
  executable->name = std::string(executable->executable->name());
  args->executable = executable;
  return nullptr;
}

PJRT_Error* LoadedExecutableExecute(PJRT_LoadedExecutable_Execute_Args* args) {
  KILN_CHECK_ARGS(PJRT_LoadedExecutable_Execute_Args, args);
  if (args->num_devices != 1) {
    return MakeError(absl::UnimplementedError(absl::StrCat(
        "PJRT_LoadedExecutable_Execute: this plugin runs on one device, not ",
        args->num_devices)));
  }
  PJRT_LoadedExecutable* loaded = args->executable;
  std::vector<xla::PjRtBuffer*> arguments;
  arguments.reserve(args->num_args);
  for (size_t i = 0; i < args->num_args; ++i) {
    PJRT_Buffer* argument = args->argument_lists[0][i];
    if (argument == nullptr) {
      return InvalidArgument(absl::StrCat("PJRT_LoadedExecutable_Execute: argument ", i,
                                          " is null"));
    }
    arguments.push_back(argument->buffer.get());
  }
  xla::ExecuteOptions options;
  // The call waits for the result anyway: run it on the calling thread, not the client's pool.
  options.execution_mode = xla::ExecuteOptions::ExecutionMode::kSynchronous;
  std::vector<std::unique_ptr<xla::PjRtBuffer>> outputs;
  absl::Status done = absl::OkStatus();
  if (args->execute_device != nullptr) {
    std::optional<xla::Future<>> future;
    absl::StatusOr<std::vector<std::unique_ptr<xla::PjRtBuffer>>> result =
        loaded->executable->ExecutePortable(arguments, args->execute_device->device, options,
                                            future, /*fill_future=*/true);
    KILN_RETURN_IF_ERROR(result.status());
    outputs = std::move(*result);
    if (future.has_value()) done = future->Await();
  } else {
    std::vector<std::vector<xla::PjRtBuffer*>> lists{arguments};
    std::optional<std::vector<xla::Future<>>> futures;
    futures.emplace();
    absl::StatusOr<std::vector<std::vector<std::unique_ptr<xla::PjRtBuffer>>>> result =
        loaded->executable->Execute(lists, options, futures);
    KILN_RETURN_IF_ERROR(result.status());
    if (result->size() != 1) {
      return MakeError(absl::InternalError("PJRT_LoadedExecutable_Execute: expected one list"));
    }
    outputs = std::move((*result)[0]);
    if (futures.has_value()) {
      for (xla::Future<>& future : *futures) {
        absl::Status status = future.Await();
        if (!status.ok() && done.ok()) done = status;
      }
    }
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    args->output_lists[0][i] = WrapBuffer(std::move(outputs[i]), loaded->client);
  }
  if (args->device_complete_events != nullptr) {
    args->device_complete_events[0] = CompletedEvent(done);
    return nullptr;
  }
  return MakeError(done);
}

// ---- Buffers ----

PJRT_Error* BufferDestroy(PJRT_Buffer_Destroy_Args* args) {
  KILN_CHECK_ARGS(PJRT_Buffer_Destroy_Args, args);
  delete args->buffer;
  return nullptr;
}

PJRT_Error* BufferElementType(PJRT_Buffer_ElementType_Args* args) {
  KILN_CHECK_ARGS(PJRT_Buffer_ElementType_Args, args);
  args->type = ToPjrtType(args->buffer->buffer->element_type());
  return nullptr;
}

PJRT_Error* BufferDimensions(PJRT_Buffer_Dimensions_Args* args) {
  KILN_CHECK_ARGS(PJRT_Buffer_Dimensions_Args, args);
  args->dims = args->buffer->dims.data();
  args->num_dims = args->buffer->dims.size();
  return nullptr;
}

PJRT_Error* BufferOnDeviceSizeInBytes(PJRT_Buffer_OnDeviceSizeInBytes_Args* args) {
  KILN_CHECK_ARGS(PJRT_Buffer_OnDeviceSizeInBytes_Args, args);
  absl::StatusOr<size_t> size = args->buffer->buffer->GetOnDeviceSizeInBytes();
  KILN_RETURN_IF_ERROR(size.status());
  args->on_device_size_in_bytes = *size;
  return nullptr;
}

PJRT_Error* BufferDevice(PJRT_Buffer_Device_Args* args) {
  KILN_CHECK_ARGS(PJRT_Buffer_Device_Args, args);
  auto found = args->buffer->client->by_device.find(args->buffer->buffer->device());
  if (found == args->buffer->client->by_device.end()) {
    return MakeError(absl::InternalError("PJRT_Buffer_Device: unknown device"));
  }
  args->device = found->second;
  return nullptr;
}

PJRT_Error* BufferIsOnCpu(PJRT_Buffer_IsOnCpu_Args* args) {
  KILN_CHECK_ARGS(PJRT_Buffer_IsOnCpu_Args, args);
  args->is_on_cpu = true;
  return nullptr;
}

PJRT_Error* BufferReadyEvent(PJRT_Buffer_ReadyEvent_Args* args) {
  KILN_CHECK_ARGS(PJRT_Buffer_ReadyEvent_Args, args);
  args->event = CompletedEvent(args->buffer->buffer->GetReadyFuture().Await());
  return nullptr;
}

PJRT_Error* BufferToHostBuffer(PJRT_Buffer_ToHostBuffer_Args* args) {
  KILN_CHECK_ARGS(PJRT_Buffer_ToHostBuffer_Args, args);
  if (args->host_layout != nullptr) {
    return MakeError(
        absl::UnimplementedError("PJRT_Buffer_ToHostBuffer: host_layout is not supported"));
  }
  xla::PjRtBuffer* buffer = args->src->buffer.get();
  // Dense, row-major host data: the shape with the descending layout.
  xla::Shape shape =
      xla::ShapeUtil::MakeShapeWithDescendingLayout(buffer->element_type(), args->src->dims);
  size_t needed = xla::ShapeUtil::ByteSizeOf(shape);
  if (args->dst == nullptr) {
    args->dst_size = needed;
    return nullptr;
  }
  if (args->dst_size < needed) {
    return InvalidArgument(absl::StrCat("PJRT_Buffer_ToHostBuffer: destination holds ",
                                        args->dst_size, " bytes, the buffer needs ", needed));
  }
  xla::MutableBorrowingLiteral literal(static_cast<const char*>(args->dst), shape);
  args->event = CompletedEvent(buffer->ToLiteral(&literal).Await());
  return nullptr;
}

PJRT_Api MakeApi() {
  PJRT_Api api{};
  api.struct_size = PJRT_Api_STRUCT_SIZE;
  api.extension_start = nullptr;
  api.pjrt_api_version.struct_size = PJRT_Api_Version_STRUCT_SIZE;
  api.pjrt_api_version.extension_start = nullptr;
  api.pjrt_api_version.major_version = PJRT_API_MAJOR;
  api.pjrt_api_version.minor_version = PJRT_API_MINOR;
  api.PJRT_Error_Destroy = ErrorDestroy;
  api.PJRT_Error_Message = ErrorMessage;
  api.PJRT_Error_GetCode = ErrorGetCode;
  api.PJRT_Plugin_Initialize = PluginInitialize;
  api.PJRT_Plugin_Attributes = PluginAttributes;
  api.PJRT_Event_Destroy = EventDestroy;
  api.PJRT_Event_IsReady = EventIsReady;
  api.PJRT_Event_Error = EventError;
  api.PJRT_Event_Await = EventAwait;
  api.PJRT_Event_OnReady = EventOnReady;
  api.PJRT_Client_Create = ClientCreate;
  api.PJRT_Client_Destroy = ClientDestroy;
  api.PJRT_Client_PlatformName = ClientPlatformName;
  api.PJRT_Client_ProcessIndex = ClientProcessIndex;
  api.PJRT_Client_PlatformVersion = ClientPlatformVersion;
  api.PJRT_Client_Devices = ClientDevices;
  api.PJRT_Client_AddressableDevices = ClientAddressableDevices;
  api.PJRT_Client_Compile = ClientCompile;
  api.PJRT_Client_BufferFromHostBuffer = ClientBufferFromHostBuffer;
  api.PJRT_DeviceDescription_Id = DeviceDescriptionId;
  api.PJRT_DeviceDescription_ProcessIndex = DeviceDescriptionProcessIndex;
  api.PJRT_DeviceDescription_Kind = DeviceDescriptionKind;
  api.PJRT_DeviceDescription_DebugString = DeviceDescriptionDebugString;
  api.PJRT_DeviceDescription_ToString = DeviceDescriptionToString;
  api.PJRT_Device_GetDescription = DeviceGetDescription;
  api.PJRT_Device_IsAddressable = DeviceIsAddressable;
  api.PJRT_Device_LocalHardwareId = DeviceLocalHardwareId;
  api.PJRT_Executable_Destroy = ExecutableDestroy;
  api.PJRT_Executable_Name = ExecutableName;
  api.PJRT_Executable_NumReplicas = ExecutableNumReplicas;
  api.PJRT_Executable_NumPartitions = ExecutableNumPartitions;
  api.PJRT_Executable_NumOutputs = ExecutableNumOutputs;
  api.PJRT_LoadedExecutable_Destroy = LoadedExecutableDestroy;
  api.PJRT_LoadedExecutable_GetExecutable = LoadedExecutableGetExecutable;
  api.PJRT_LoadedExecutable_Execute = LoadedExecutableExecute;
  api.PJRT_Buffer_Destroy = BufferDestroy;
  api.PJRT_Buffer_ElementType = BufferElementType;
  api.PJRT_Buffer_Dimensions = BufferDimensions;
  api.PJRT_Buffer_OnDeviceSizeInBytes = BufferOnDeviceSizeInBytes;
  api.PJRT_Buffer_Device = BufferDevice;
  api.PJRT_Buffer_ToHostBuffer = BufferToHostBuffer;
  api.PJRT_Buffer_IsOnCpu = BufferIsOnCpu;
  api.PJRT_Buffer_ReadyEvent = BufferReadyEvent;
  api.PJRT_Executable_OutputElementTypes = ExecutableOutputElementTypes;
  api.PJRT_Executable_OutputDimensions = ExecutableOutputDimensions;
  return api;
}

}  // namespace

extern "C" const PJRT_Api* GetPjrtApi() {
  static const PJRT_Api api = MakeApi();
  return &api;
}
