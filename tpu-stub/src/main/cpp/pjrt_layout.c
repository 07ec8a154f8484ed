// Prints the PJRT C API layout facts Kiln's Java binding depends on, from the header the build
// extracted (pjrt_c_api.h): the API version, the offset of every slot the binding calls, the
// STRUCT_SIZE of every argument struct it fills, and the offset of every field it reads or
// writes. PjrtLayoutTest compares each line with the binding's constants.
#include <stddef.h>
#include <stdio.h>

#include "xla/pjrt/c/pjrt_c_api.h"

#define SLOT(name) printf("slot %s %zu\n", #name, offsetof(PJRT_Api, name))
#define SIZE(type) printf("size %s %zu\n", #type, (size_t)type##_STRUCT_SIZE)
#define FIELD(type, field) printf("field %s.%s %zu\n", #type, #field, offsetof(struct type, field))

int main(void) {
  printf("version %d.%d\n", PJRT_API_MAJOR, PJRT_API_MINOR);
  SIZE(PJRT_Api);
  printf("field PJRT_Api.major_version %zu\n",
         offsetof(PJRT_Api, pjrt_api_version) + offsetof(struct PJRT_Api_Version, major_version));
  printf("field PJRT_Api.minor_version %zu\n",
         offsetof(PJRT_Api, pjrt_api_version) + offsetof(struct PJRT_Api_Version, minor_version));

  SLOT(PJRT_Error_Destroy);
  SLOT(PJRT_Error_Message);
  SLOT(PJRT_Error_GetCode);
  SLOT(PJRT_Plugin_Initialize);
  SLOT(PJRT_Plugin_Attributes);
  SLOT(PJRT_Event_Destroy);
  SLOT(PJRT_Event_Await);
  SLOT(PJRT_Client_Create);
  SLOT(PJRT_Client_Destroy);
  SLOT(PJRT_Client_PlatformName);
  SLOT(PJRT_Client_PlatformVersion);
  SLOT(PJRT_Client_AddressableDevices);
  SLOT(PJRT_Client_Compile);
  SLOT(PJRT_Client_BufferFromHostBuffer);
  SLOT(PJRT_DeviceDescription_Kind);
  SLOT(PJRT_DeviceDescription_DebugString);
  SLOT(PJRT_Device_GetDescription);
  SLOT(PJRT_Executable_Destroy);
  SLOT(PJRT_Executable_NumOutputs);
  SLOT(PJRT_LoadedExecutable_Destroy);
  SLOT(PJRT_LoadedExecutable_GetExecutable);
  SLOT(PJRT_LoadedExecutable_Execute);
  SLOT(PJRT_Buffer_Destroy);
  SLOT(PJRT_Buffer_ElementType);
  SLOT(PJRT_Buffer_Dimensions);
  SLOT(PJRT_Buffer_ToHostBuffer);
  SLOT(PJRT_Executable_OutputElementTypes);
  SLOT(PJRT_Executable_OutputDimensions);

  SIZE(PJRT_Error_Destroy_Args);
  FIELD(PJRT_Error_Destroy_Args, error);
  SIZE(PJRT_Error_Message_Args);
  FIELD(PJRT_Error_Message_Args, error);
  FIELD(PJRT_Error_Message_Args, message);
  FIELD(PJRT_Error_Message_Args, message_size);
  SIZE(PJRT_Error_GetCode_Args);
  FIELD(PJRT_Error_GetCode_Args, error);
  FIELD(PJRT_Error_GetCode_Args, code);

  SIZE(PJRT_Plugin_Initialize_Args);
  SIZE(PJRT_Plugin_Attributes_Args);
  FIELD(PJRT_Plugin_Attributes_Args, attributes);
  FIELD(PJRT_Plugin_Attributes_Args, num_attributes);
  printf("sizeof PJRT_NamedValue %zu\n", sizeof(struct PJRT_NamedValue));
  FIELD(PJRT_NamedValue, name);
  FIELD(PJRT_NamedValue, name_size);
  FIELD(PJRT_NamedValue, type);
  FIELD(PJRT_NamedValue, int64_value);
  FIELD(PJRT_NamedValue, value_size);

  SIZE(PJRT_Event_Destroy_Args);
  FIELD(PJRT_Event_Destroy_Args, event);
  SIZE(PJRT_Event_Await_Args);
  FIELD(PJRT_Event_Await_Args, event);

  SIZE(PJRT_Client_Create_Args);
  FIELD(PJRT_Client_Create_Args, create_options);
  FIELD(PJRT_Client_Create_Args, num_options);
  FIELD(PJRT_Client_Create_Args, client);
  SIZE(PJRT_Client_Destroy_Args);
  FIELD(PJRT_Client_Destroy_Args, client);
  SIZE(PJRT_Client_PlatformName_Args);
  FIELD(PJRT_Client_PlatformName_Args, client);
  FIELD(PJRT_Client_PlatformName_Args, platform_name);
  FIELD(PJRT_Client_PlatformName_Args, platform_name_size);
  SIZE(PJRT_Client_PlatformVersion_Args);
  FIELD(PJRT_Client_PlatformVersion_Args, client);
  FIELD(PJRT_Client_PlatformVersion_Args, platform_version);
  FIELD(PJRT_Client_PlatformVersion_Args, platform_version_size);
  SIZE(PJRT_Client_AddressableDevices_Args);
  FIELD(PJRT_Client_AddressableDevices_Args, client);
  FIELD(PJRT_Client_AddressableDevices_Args, addressable_devices);
  FIELD(PJRT_Client_AddressableDevices_Args, num_addressable_devices);

  SIZE(PJRT_Device_GetDescription_Args);
  FIELD(PJRT_Device_GetDescription_Args, device);
  FIELD(PJRT_Device_GetDescription_Args, device_description);
  SIZE(PJRT_DeviceDescription_Kind_Args);
  FIELD(PJRT_DeviceDescription_Kind_Args, device_description);
  FIELD(PJRT_DeviceDescription_Kind_Args, device_kind);
  FIELD(PJRT_DeviceDescription_Kind_Args, device_kind_size);
  SIZE(PJRT_DeviceDescription_DebugString_Args);
  FIELD(PJRT_DeviceDescription_DebugString_Args, device_description);
  FIELD(PJRT_DeviceDescription_DebugString_Args, debug_string);
  FIELD(PJRT_DeviceDescription_DebugString_Args, debug_string_size);

  SIZE(PJRT_Program);
  FIELD(PJRT_Program, code);
  FIELD(PJRT_Program, code_size);
  FIELD(PJRT_Program, format);
  FIELD(PJRT_Program, format_size);
  SIZE(PJRT_Client_Compile_Args);
  FIELD(PJRT_Client_Compile_Args, client);
  FIELD(PJRT_Client_Compile_Args, program);
  FIELD(PJRT_Client_Compile_Args, compile_options);
  FIELD(PJRT_Client_Compile_Args, compile_options_size);
  FIELD(PJRT_Client_Compile_Args, executable);

  SIZE(PJRT_Client_BufferFromHostBuffer_Args);
  FIELD(PJRT_Client_BufferFromHostBuffer_Args, client);
  FIELD(PJRT_Client_BufferFromHostBuffer_Args, data);
  FIELD(PJRT_Client_BufferFromHostBuffer_Args, type);
  FIELD(PJRT_Client_BufferFromHostBuffer_Args, dims);
  FIELD(PJRT_Client_BufferFromHostBuffer_Args, num_dims);
  FIELD(PJRT_Client_BufferFromHostBuffer_Args, host_buffer_semantics);
  FIELD(PJRT_Client_BufferFromHostBuffer_Args, device);
  FIELD(PJRT_Client_BufferFromHostBuffer_Args, done_with_host_buffer);
  FIELD(PJRT_Client_BufferFromHostBuffer_Args, buffer);

  SIZE(PJRT_LoadedExecutable_Destroy_Args);
  FIELD(PJRT_LoadedExecutable_Destroy_Args, executable);
  SIZE(PJRT_LoadedExecutable_GetExecutable_Args);
  FIELD(PJRT_LoadedExecutable_GetExecutable_Args, loaded_executable);
  FIELD(PJRT_LoadedExecutable_GetExecutable_Args, executable);
  SIZE(PJRT_Executable_Destroy_Args);
  FIELD(PJRT_Executable_Destroy_Args, executable);
  SIZE(PJRT_Executable_NumOutputs_Args);
  FIELD(PJRT_Executable_NumOutputs_Args, executable);
  FIELD(PJRT_Executable_NumOutputs_Args, num_outputs);
  SIZE(PJRT_Executable_OutputElementTypes_Args);
  FIELD(PJRT_Executable_OutputElementTypes_Args, executable);
  FIELD(PJRT_Executable_OutputElementTypes_Args, output_types);
  FIELD(PJRT_Executable_OutputElementTypes_Args, num_output_types);
  SIZE(PJRT_Executable_OutputDimensions_Args);
  FIELD(PJRT_Executable_OutputDimensions_Args, executable);
  FIELD(PJRT_Executable_OutputDimensions_Args, num_outputs);
  FIELD(PJRT_Executable_OutputDimensions_Args, dims);
  FIELD(PJRT_Executable_OutputDimensions_Args, dim_sizes);

  SIZE(PJRT_ExecuteOptions);
  SIZE(PJRT_LoadedExecutable_Execute_Args);
  FIELD(PJRT_LoadedExecutable_Execute_Args, executable);
  FIELD(PJRT_LoadedExecutable_Execute_Args, options);
  FIELD(PJRT_LoadedExecutable_Execute_Args, argument_lists);
  FIELD(PJRT_LoadedExecutable_Execute_Args, num_devices);
  FIELD(PJRT_LoadedExecutable_Execute_Args, num_args);
  FIELD(PJRT_LoadedExecutable_Execute_Args, output_lists);
  FIELD(PJRT_LoadedExecutable_Execute_Args, device_complete_events);
  FIELD(PJRT_LoadedExecutable_Execute_Args, execute_device);

  SIZE(PJRT_Buffer_Destroy_Args);
  FIELD(PJRT_Buffer_Destroy_Args, buffer);
  SIZE(PJRT_Buffer_ElementType_Args);
  FIELD(PJRT_Buffer_ElementType_Args, buffer);
  FIELD(PJRT_Buffer_ElementType_Args, type);
  SIZE(PJRT_Buffer_Dimensions_Args);
  FIELD(PJRT_Buffer_Dimensions_Args, buffer);
  FIELD(PJRT_Buffer_Dimensions_Args, dims);
  FIELD(PJRT_Buffer_Dimensions_Args, num_dims);
  SIZE(PJRT_Buffer_ToHostBuffer_Args);
  FIELD(PJRT_Buffer_ToHostBuffer_Args, src);
  FIELD(PJRT_Buffer_ToHostBuffer_Args, dst);
  FIELD(PJRT_Buffer_ToHostBuffer_Args, dst_size);
  FIELD(PJRT_Buffer_ToHostBuffer_Args, event);

  printf("enum PJRT_Buffer_Type_PRED %d\n", (int)PJRT_Buffer_Type_PRED);
  printf("enum PJRT_Buffer_Type_S32 %d\n", (int)PJRT_Buffer_Type_S32);
  printf("enum PJRT_Buffer_Type_S64 %d\n", (int)PJRT_Buffer_Type_S64);
  printf("enum PJRT_Buffer_Type_U32 %d\n", (int)PJRT_Buffer_Type_U32);
  printf("enum PJRT_Buffer_Type_F32 %d\n", (int)PJRT_Buffer_Type_F32);
  printf("enum PJRT_Buffer_Type_F64 %d\n", (int)PJRT_Buffer_Type_F64);
  printf("enum PJRT_NamedValue_kString %d\n", (int)PJRT_NamedValue_kString);
  printf("enum PJRT_NamedValue_kInt64 %d\n", (int)PJRT_NamedValue_kInt64);
  printf("enum PJRT_NamedValue_kInt64List %d\n", (int)PJRT_NamedValue_kInt64List);
  printf("enum PJRT_NamedValue_kFloat %d\n", (int)PJRT_NamedValue_kFloat);
  printf("enum PJRT_NamedValue_kBool %d\n", (int)PJRT_NamedValue_kBool);
  printf("enum PJRT_HostBufferSemantics_kImmutableOnlyDuringCall %d\n",
         (int)PJRT_HostBufferSemantics_kImmutableOnlyDuringCall);
  return 0;
}
