/**
 * The ONNX messages the exporter writes, compiled by protobufjs from the text of
 * onnx/onnx.proto (ONNX's own schema, kept to the messages used). The text is
 * embedded so the encoder runs where no file can be read (a browser); a test
 * checks it matches onnx/onnx.proto byte for byte.
 */
import protobuf from 'protobufjs';

/** The text of onnx/onnx.proto. */
export const ONNX_PROTO = `// The subset of the ONNX model format that normgrad's exporter writes.
//
// Taken from onnx/onnx.proto of the ONNX project (https://github.com/onnx/onnx),
// Copyright (c) ONNX Project Contributors, licensed under the MIT license.
// Messages, field names and field numbers are ONNX's own, unchanged, so any ONNX
// reader parses what this writes; messages and fields the exporter never sets
// are left out (proto2 readers skip nothing they need: absent optional fields
// keep their defaults). The comments are ours.
//
// onnx/schema.ts embeds this text so the encoder also runs where no file can
// be read (a browser); tests/onnx/schema.test.ts checks the two stay identical.

syntax = "proto2";

package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0;
    FLOAT = 1;
    INT = 2;
    STRING = 3;
    TENSOR = 4;
    GRAPH = 5;
    FLOATS = 6;
    INTS = 7;
    STRINGS = 8;
    TENSORS = 9;
    GRAPHS = 10;
  }
  optional string name = 1;
  optional AttributeType type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
}

message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}

message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
}

message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}

message TensorProto {
  enum DataType {
    UNDEFINED = 0;
    FLOAT = 1;
    INT64 = 7;
    DOUBLE = 11;
  }
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional string doc_string = 12;
  optional bytes raw_data = 9;
  repeated double double_data = 10 [packed = true];
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    };
  };
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}

message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`;

const root = protobuf.parse(ONNX_PROTO, { keepCase: true }).root;

/** `onnx.ModelProto`: encode with `ModelProto.encode(ModelProto.fromObject(obj)).finish()`. */
export const ModelProto: protobuf.Type = root.lookupType('onnx.ModelProto');

/** `TensorProto.DataType` values used here. */
export const DataType = { FLOAT: 1, INT64: 7, DOUBLE: 11 } as const;

/** `AttributeProto.AttributeType` values used here. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;
