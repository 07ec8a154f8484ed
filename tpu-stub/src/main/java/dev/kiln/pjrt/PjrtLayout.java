package dev.kiln.pjrt;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PJRT C API layout the binding is written against: API 0.90 on x86-64/LP64 ({@code
 * pjrt_c_api.h} from the tensorflow_cpu 2.21.0 wheel). Slot offsets into {@code PJRT_Api}, the
 * {@code STRUCT_SIZE} of every argument struct the binding fills, and the offsets of the fields it
 * touches. Since API 0.57 fields are only appended, so these hold for newer plugins of major
 * version 0; the binding checks {@code api->struct_size} before reading any slot. {@code
 * PjrtLayoutTest} compares every constant with what a C program compiled against the header prints.
 */
final class PjrtLayout {
    private PjrtLayout() {}

    static final int MAJOR = 0;
    static final int MINOR = 90;

    // PJRT_Api
    static final long API_STRUCT_SIZE = 1064;
    static final long API_MAJOR = 32;
    static final long API_MINOR = 36;

    // slots
    static final long ERROR_DESTROY = 40;
    static final long ERROR_MESSAGE = 48;
    static final long ERROR_GET_CODE = 56;
    static final long PLUGIN_INITIALIZE = 64;
    static final long PLUGIN_ATTRIBUTES = 72;
    static final long EVENT_DESTROY = 80;
    static final long EVENT_AWAIT = 104;
    static final long CLIENT_CREATE = 120;
    static final long CLIENT_DESTROY = 128;
    static final long CLIENT_PLATFORM_NAME = 136;
    static final long CLIENT_PLATFORM_VERSION = 152;
    static final long CLIENT_ADDRESSABLE_DEVICES = 168;
    static final long CLIENT_COMPILE = 200;
    static final long CLIENT_BUFFER_FROM_HOST = 216;
    static final long DEVICE_DESCRIPTION_KIND = 248;
    static final long DEVICE_DESCRIPTION_DEBUG_STRING = 256;
    static final long DEVICE_GET_DESCRIPTION = 272;
    static final long EXECUTABLE_DESTROY = 360;
    static final long EXECUTABLE_NUM_OUTPUTS = 392;
    static final long LOADED_EXECUTABLE_DESTROY = 440;
    static final long LOADED_EXECUTABLE_GET_EXECUTABLE = 448;
    static final long LOADED_EXECUTABLE_EXECUTE = 480;
    static final long BUFFER_DESTROY = 504;
    static final long BUFFER_ELEMENT_TYPE = 512;
    static final long BUFFER_DIMENSIONS = 520;
    static final long BUFFER_TO_HOST = 600;
    static final long EXECUTABLE_OUTPUT_ELEMENT_TYPES = 760;
    static final long EXECUTABLE_OUTPUT_DIMENSIONS = 768;

    // every argument struct: size_t struct_size @0, PJRT_Extension_Base* extension_start @8
    static final long ARG0 = 16;
    static final long ARG1 = 24;
    static final long ARG2 = 32;
    static final long ARG3 = 40;
    static final long ARG4 = 48;

    static final long ERROR_DESTROY_ARGS = 24;
    static final long ERROR_MESSAGE_ARGS = 40;
    static final long ERROR_GET_CODE_ARGS = 28;
    static final long PLUGIN_INITIALIZE_ARGS = 16;
    static final long PLUGIN_ATTRIBUTES_ARGS = 32;
    static final long NAMED_VALUE_SIZEOF = 56;
    static final long NAMED_VALUE_NAME = 16;
    static final long NAMED_VALUE_NAME_SIZE = 24;
    static final long NAMED_VALUE_TYPE = 32;
    static final long NAMED_VALUE_VALUE = 40;
    static final long NAMED_VALUE_VALUE_SIZE = 48;
    static final long EVENT_DESTROY_ARGS = 24;
    static final long EVENT_AWAIT_ARGS = 24;
    static final long CLIENT_CREATE_ARGS = 88;
    static final long CLIENT_CREATE_OPTIONS = 16;
    static final long CLIENT_CREATE_NUM_OPTIONS = 24;
    static final long CLIENT_CREATE_CLIENT = 64;
    static final long CLIENT_DESTROY_ARGS = 24;
    static final long CLIENT_PLATFORM_NAME_ARGS = 40;
    static final long CLIENT_PLATFORM_VERSION_ARGS = 40;
    static final long CLIENT_ADDRESSABLE_DEVICES_ARGS = 40;
    static final long DEVICE_GET_DESCRIPTION_ARGS = 32;
    static final long DEVICE_DESCRIPTION_KIND_ARGS = 40;
    static final long DEVICE_DESCRIPTION_DEBUG_STRING_ARGS = 40;
    static final long PROGRAM = 48;
    static final long CLIENT_COMPILE_ARGS = 56;
    static final long BUFFER_FROM_HOST_ARGS = 120;
    static final long BFH_DATA = 24;
    static final long BFH_TYPE = 32;
    static final long BFH_DIMS = 40;
    static final long BFH_NUM_DIMS = 48;
    static final long BFH_SEMANTICS = 72;
    static final long BFH_DEVICE = 80;
    static final long BFH_DONE_EVENT = 104;
    static final long BFH_BUFFER = 112;
    static final long LOADED_EXECUTABLE_DESTROY_ARGS = 24;
    static final long LOADED_EXECUTABLE_GET_EXECUTABLE_ARGS = 32;
    static final long EXECUTABLE_DESTROY_ARGS = 24;
    static final long EXECUTABLE_NUM_OUTPUTS_ARGS = 32;
    static final long EXECUTABLE_OUTPUT_ELEMENT_TYPES_ARGS = 40;
    static final long EXECUTABLE_OUTPUT_DIMENSIONS_ARGS = 48;
    static final long EXECUTE_OPTIONS = 112;
    static final long EXECUTE_ARGS = 80;
    static final long EXECUTE_ARGUMENT_LISTS = 32;
    static final long EXECUTE_NUM_DEVICES = 40;
    static final long EXECUTE_NUM_ARGS = 48;
    static final long EXECUTE_OUTPUT_LISTS = 56;
    static final long EXECUTE_COMPLETE_EVENTS = 64;
    static final long EXECUTE_DEVICE = 72;
    static final long BUFFER_DESTROY_ARGS = 24;
    static final long BUFFER_ELEMENT_TYPE_ARGS = 28;
    static final long BUFFER_DIMENSIONS_ARGS = 40;
    static final long BUFFER_TO_HOST_ARGS = 56;
    static final long TO_HOST_DST = 32;
    static final long TO_HOST_DST_SIZE = 40;
    static final long TO_HOST_EVENT = 48;

    // enums
    static final int TYPE_PRED = 1;
    static final int TYPE_S32 = 4;
    static final int TYPE_S64 = 5;
    static final int TYPE_U32 = 8;
    static final int TYPE_F32 = 11;
    static final int TYPE_F64 = 12;
    static final int NAMED_STRING = 0;
    static final int NAMED_INT64 = 1;
    static final int NAMED_INT64_LIST = 2;
    static final int NAMED_FLOAT = 3;
    static final int NAMED_BOOL = 4;
    static final int SEMANTICS_IMMUTABLE_ONLY_DURING_CALL = 0;

    /**
     * Every constant above under the name the layout printer ({@code pjrt_layout.c}) gives it, so a
     * test can compare the two line by line.
     */
    static Map<String, Long> byHeaderName() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("size PJRT_Api", API_STRUCT_SIZE);
        m.put("field PJRT_Api.major_version", API_MAJOR);
        m.put("field PJRT_Api.minor_version", API_MINOR);
        slot(m, "PJRT_Error_Destroy", ERROR_DESTROY);
        slot(m, "PJRT_Error_Message", ERROR_MESSAGE);
        slot(m, "PJRT_Error_GetCode", ERROR_GET_CODE);
        slot(m, "PJRT_Plugin_Initialize", PLUGIN_INITIALIZE);
        slot(m, "PJRT_Plugin_Attributes", PLUGIN_ATTRIBUTES);
        slot(m, "PJRT_Event_Destroy", EVENT_DESTROY);
        slot(m, "PJRT_Event_Await", EVENT_AWAIT);
        slot(m, "PJRT_Client_Create", CLIENT_CREATE);
        slot(m, "PJRT_Client_Destroy", CLIENT_DESTROY);
        slot(m, "PJRT_Client_PlatformName", CLIENT_PLATFORM_NAME);
        slot(m, "PJRT_Client_PlatformVersion", CLIENT_PLATFORM_VERSION);
        slot(m, "PJRT_Client_AddressableDevices", CLIENT_ADDRESSABLE_DEVICES);
        slot(m, "PJRT_Client_Compile", CLIENT_COMPILE);
        slot(m, "PJRT_Client_BufferFromHostBuffer", CLIENT_BUFFER_FROM_HOST);
        slot(m, "PJRT_DeviceDescription_Kind", DEVICE_DESCRIPTION_KIND);
        slot(m, "PJRT_DeviceDescription_DebugString", DEVICE_DESCRIPTION_DEBUG_STRING);
        slot(m, "PJRT_Device_GetDescription", DEVICE_GET_DESCRIPTION);
        slot(m, "PJRT_Executable_Destroy", EXECUTABLE_DESTROY);
        slot(m, "PJRT_Executable_NumOutputs", EXECUTABLE_NUM_OUTPUTS);
        slot(m, "PJRT_LoadedExecutable_Destroy", LOADED_EXECUTABLE_DESTROY);
        slot(m, "PJRT_LoadedExecutable_GetExecutable", LOADED_EXECUTABLE_GET_EXECUTABLE);
        slot(m, "PJRT_LoadedExecutable_Execute", LOADED_EXECUTABLE_EXECUTE);
        slot(m, "PJRT_Buffer_Destroy", BUFFER_DESTROY);
        slot(m, "PJRT_Buffer_ElementType", BUFFER_ELEMENT_TYPE);
        slot(m, "PJRT_Buffer_Dimensions", BUFFER_DIMENSIONS);
        slot(m, "PJRT_Buffer_ToHostBuffer", BUFFER_TO_HOST);
        slot(m, "PJRT_Executable_OutputElementTypes", EXECUTABLE_OUTPUT_ELEMENT_TYPES);
        slot(m, "PJRT_Executable_OutputDimensions", EXECUTABLE_OUTPUT_DIMENSIONS);

        size(m, "PJRT_Error_Destroy_Args", ERROR_DESTROY_ARGS);
        field(m, "PJRT_Error_Destroy_Args.error", ARG0);
        size(m, "PJRT_Error_Message_Args", ERROR_MESSAGE_ARGS);
        field(m, "PJRT_Error_Message_Args.error", ARG0);
        field(m, "PJRT_Error_Message_Args.message", ARG1);
        field(m, "PJRT_Error_Message_Args.message_size", ARG2);
        size(m, "PJRT_Error_GetCode_Args", ERROR_GET_CODE_ARGS);
        field(m, "PJRT_Error_GetCode_Args.error", ARG0);
        field(m, "PJRT_Error_GetCode_Args.code", ARG1);
        size(m, "PJRT_Plugin_Initialize_Args", PLUGIN_INITIALIZE_ARGS);
        size(m, "PJRT_Plugin_Attributes_Args", PLUGIN_ATTRIBUTES_ARGS);
        field(m, "PJRT_Plugin_Attributes_Args.attributes", ARG0);
        field(m, "PJRT_Plugin_Attributes_Args.num_attributes", ARG1);
        m.put("sizeof PJRT_NamedValue", NAMED_VALUE_SIZEOF);
        field(m, "PJRT_NamedValue.name", NAMED_VALUE_NAME);
        field(m, "PJRT_NamedValue.name_size", NAMED_VALUE_NAME_SIZE);
        field(m, "PJRT_NamedValue.type", NAMED_VALUE_TYPE);
        field(m, "PJRT_NamedValue.int64_value", NAMED_VALUE_VALUE);
        field(m, "PJRT_NamedValue.value_size", NAMED_VALUE_VALUE_SIZE);
        size(m, "PJRT_Event_Destroy_Args", EVENT_DESTROY_ARGS);
        field(m, "PJRT_Event_Destroy_Args.event", ARG0);
        size(m, "PJRT_Event_Await_Args", EVENT_AWAIT_ARGS);
        field(m, "PJRT_Event_Await_Args.event", ARG0);
        size(m, "PJRT_Client_Create_Args", CLIENT_CREATE_ARGS);
        field(m, "PJRT_Client_Create_Args.create_options", CLIENT_CREATE_OPTIONS);
        field(m, "PJRT_Client_Create_Args.num_options", CLIENT_CREATE_NUM_OPTIONS);
        field(m, "PJRT_Client_Create_Args.client", CLIENT_CREATE_CLIENT);
        size(m, "PJRT_Client_Destroy_Args", CLIENT_DESTROY_ARGS);
        field(m, "PJRT_Client_Destroy_Args.client", ARG0);
        size(m, "PJRT_Client_PlatformName_Args", CLIENT_PLATFORM_NAME_ARGS);
        field(m, "PJRT_Client_PlatformName_Args.client", ARG0);
        field(m, "PJRT_Client_PlatformName_Args.platform_name", ARG1);
        field(m, "PJRT_Client_PlatformName_Args.platform_name_size", ARG2);
        size(m, "PJRT_Client_PlatformVersion_Args", CLIENT_PLATFORM_VERSION_ARGS);
        field(m, "PJRT_Client_PlatformVersion_Args.client", ARG0);
        field(m, "PJRT_Client_PlatformVersion_Args.platform_version", ARG1);
        field(m, "PJRT_Client_PlatformVersion_Args.platform_version_size", ARG2);
        size(m, "PJRT_Client_AddressableDevices_Args", CLIENT_ADDRESSABLE_DEVICES_ARGS);
        field(m, "PJRT_Client_AddressableDevices_Args.client", ARG0);
        field(m, "PJRT_Client_AddressableDevices_Args.addressable_devices", ARG1);
        field(m, "PJRT_Client_AddressableDevices_Args.num_addressable_devices", ARG2);
        size(m, "PJRT_Device_GetDescription_Args", DEVICE_GET_DESCRIPTION_ARGS);
        field(m, "PJRT_Device_GetDescription_Args.device", ARG0);
        field(m, "PJRT_Device_GetDescription_Args.device_description", ARG1);
        size(m, "PJRT_DeviceDescription_Kind_Args", DEVICE_DESCRIPTION_KIND_ARGS);
        field(m, "PJRT_DeviceDescription_Kind_Args.device_description", ARG0);
        field(m, "PJRT_DeviceDescription_Kind_Args.device_kind", ARG1);
        field(m, "PJRT_DeviceDescription_Kind_Args.device_kind_size", ARG2);
        size(m, "PJRT_DeviceDescription_DebugString_Args", DEVICE_DESCRIPTION_DEBUG_STRING_ARGS);
        field(m, "PJRT_DeviceDescription_DebugString_Args.device_description", ARG0);
        field(m, "PJRT_DeviceDescription_DebugString_Args.debug_string", ARG1);
        field(m, "PJRT_DeviceDescription_DebugString_Args.debug_string_size", ARG2);
        size(m, "PJRT_Program", PROGRAM);
        field(m, "PJRT_Program.code", ARG0);
        field(m, "PJRT_Program.code_size", ARG1);
        field(m, "PJRT_Program.format", ARG2);
        field(m, "PJRT_Program.format_size", ARG3);
        size(m, "PJRT_Client_Compile_Args", CLIENT_COMPILE_ARGS);
        field(m, "PJRT_Client_Compile_Args.client", ARG0);
        field(m, "PJRT_Client_Compile_Args.program", ARG1);
        field(m, "PJRT_Client_Compile_Args.compile_options", ARG2);
        field(m, "PJRT_Client_Compile_Args.compile_options_size", ARG3);
        field(m, "PJRT_Client_Compile_Args.executable", ARG4);
        size(m, "PJRT_Client_BufferFromHostBuffer_Args", BUFFER_FROM_HOST_ARGS);
        field(m, "PJRT_Client_BufferFromHostBuffer_Args.client", ARG0);
        field(m, "PJRT_Client_BufferFromHostBuffer_Args.data", BFH_DATA);
        field(m, "PJRT_Client_BufferFromHostBuffer_Args.type", BFH_TYPE);
        field(m, "PJRT_Client_BufferFromHostBuffer_Args.dims", BFH_DIMS);
        field(m, "PJRT_Client_BufferFromHostBuffer_Args.num_dims", BFH_NUM_DIMS);
        field(m, "PJRT_Client_BufferFromHostBuffer_Args.host_buffer_semantics", BFH_SEMANTICS);
        field(m, "PJRT_Client_BufferFromHostBuffer_Args.device", BFH_DEVICE);
        field(m, "PJRT_Client_BufferFromHostBuffer_Args.done_with_host_buffer", BFH_DONE_EVENT);
        field(m, "PJRT_Client_BufferFromHostBuffer_Args.buffer", BFH_BUFFER);
        size(m, "PJRT_LoadedExecutable_Destroy_Args", LOADED_EXECUTABLE_DESTROY_ARGS);
        field(m, "PJRT_LoadedExecutable_Destroy_Args.executable", ARG0);
        size(m, "PJRT_LoadedExecutable_GetExecutable_Args", LOADED_EXECUTABLE_GET_EXECUTABLE_ARGS);
        field(m, "PJRT_LoadedExecutable_GetExecutable_Args.loaded_executable", ARG0);
        field(m, "PJRT_LoadedExecutable_GetExecutable_Args.executable", ARG1);
        size(m, "PJRT_Executable_Destroy_Args", EXECUTABLE_DESTROY_ARGS);
        field(m, "PJRT_Executable_Destroy_Args.executable", ARG0);
        size(m, "PJRT_Executable_NumOutputs_Args", EXECUTABLE_NUM_OUTPUTS_ARGS);
        field(m, "PJRT_Executable_NumOutputs_Args.executable", ARG0);
        field(m, "PJRT_Executable_NumOutputs_Args.num_outputs", ARG1);
        size(m, "PJRT_Executable_OutputElementTypes_Args", EXECUTABLE_OUTPUT_ELEMENT_TYPES_ARGS);
        field(m, "PJRT_Executable_OutputElementTypes_Args.executable", ARG0);
        field(m, "PJRT_Executable_OutputElementTypes_Args.output_types", ARG1);
        field(m, "PJRT_Executable_OutputElementTypes_Args.num_output_types", ARG2);
        size(m, "PJRT_Executable_OutputDimensions_Args", EXECUTABLE_OUTPUT_DIMENSIONS_ARGS);
        field(m, "PJRT_Executable_OutputDimensions_Args.executable", ARG0);
        field(m, "PJRT_Executable_OutputDimensions_Args.num_outputs", ARG1);
        field(m, "PJRT_Executable_OutputDimensions_Args.dims", ARG2);
        field(m, "PJRT_Executable_OutputDimensions_Args.dim_sizes", ARG3);
        size(m, "PJRT_ExecuteOptions", EXECUTE_OPTIONS);
        size(m, "PJRT_LoadedExecutable_Execute_Args", EXECUTE_ARGS);
        field(m, "PJRT_LoadedExecutable_Execute_Args.executable", ARG0);
        field(m, "PJRT_LoadedExecutable_Execute_Args.options", ARG1);
        field(m, "PJRT_LoadedExecutable_Execute_Args.argument_lists", EXECUTE_ARGUMENT_LISTS);
        field(m, "PJRT_LoadedExecutable_Execute_Args.num_devices", EXECUTE_NUM_DEVICES);
        field(m, "PJRT_LoadedExecutable_Execute_Args.num_args", EXECUTE_NUM_ARGS);
        field(m, "PJRT_LoadedExecutable_Execute_Args.output_lists", EXECUTE_OUTPUT_LISTS);
        field(m, "PJRT_LoadedExecutable_Execute_Args.device_complete_events", EXECUTE_COMPLETE_EVENTS);
        field(m, "PJRT_LoadedExecutable_Execute_Args.execute_device", EXECUTE_DEVICE);
        size(m, "PJRT_Buffer_Destroy_Args", BUFFER_DESTROY_ARGS);
        field(m, "PJRT_Buffer_Destroy_Args.buffer", ARG0);
        size(m, "PJRT_Buffer_ElementType_Args", BUFFER_ELEMENT_TYPE_ARGS);
        field(m, "PJRT_Buffer_ElementType_Args.buffer", ARG0);
        field(m, "PJRT_Buffer_ElementType_Args.type", ARG1);
        size(m, "PJRT_Buffer_Dimensions_Args", BUFFER_DIMENSIONS_ARGS);
        field(m, "PJRT_Buffer_Dimensions_Args.buffer", ARG0);
        field(m, "PJRT_Buffer_Dimensions_Args.dims", ARG1);
        field(m, "PJRT_Buffer_Dimensions_Args.num_dims", ARG2);
        size(m, "PJRT_Buffer_ToHostBuffer_Args", BUFFER_TO_HOST_ARGS);
        field(m, "PJRT_Buffer_ToHostBuffer_Args.src", ARG0);
        field(m, "PJRT_Buffer_ToHostBuffer_Args.dst", TO_HOST_DST);
        field(m, "PJRT_Buffer_ToHostBuffer_Args.dst_size", TO_HOST_DST_SIZE);
        field(m, "PJRT_Buffer_ToHostBuffer_Args.event", TO_HOST_EVENT);
        m.put("enum PJRT_Buffer_Type_PRED", (long) TYPE_PRED);
        m.put("enum PJRT_Buffer_Type_S32", (long) TYPE_S32);
        m.put("enum PJRT_Buffer_Type_S64", (long) TYPE_S64);
        m.put("enum PJRT_Buffer_Type_U32", (long) TYPE_U32);
        m.put("enum PJRT_Buffer_Type_F32", (long) TYPE_F32);
        m.put("enum PJRT_Buffer_Type_F64", (long) TYPE_F64);
        m.put("enum PJRT_NamedValue_kString", (long) NAMED_STRING);
        m.put("enum PJRT_NamedValue_kInt64", (long) NAMED_INT64);
        m.put("enum PJRT_NamedValue_kInt64List", (long) NAMED_INT64_LIST);
        m.put("enum PJRT_NamedValue_kFloat", (long) NAMED_FLOAT);
        m.put("enum PJRT_NamedValue_kBool", (long) NAMED_BOOL);
        m.put("enum PJRT_HostBufferSemantics_kImmutableOnlyDuringCall", (long) SEMANTICS_IMMUTABLE_ONLY_DURING_CALL);
        return m;
    }

    private static void slot(Map<String, Long> m, String name, long offset) {
        m.put("slot " + name, offset);
    }

    private static void size(Map<String, Long> m, String name, long size) {
        m.put("size " + name, size);
    }

    private static void field(Map<String, Long> m, String name, long offset) {
        m.put("field " + name, offset);
    }
}
