// Kiln's stand-in for the one MLIR type the XLA client headers name. The tensorflow_cpu wheel
// ships no LLVM headers, and the plugin never builds MLIR itself (it hands program text to
// the wheel's own parser), so only the layout of a module handle matters: one pointer.
#ifndef KILN_PJRT_STUB_MLIR_BUILTINOPS_H_
#define KILN_PJRT_STUB_MLIR_BUILTINOPS_H_
namespace mlir {
class Operation;
class MLIRContext;
class ModuleOp {
 public:
  ModuleOp() = default;
  explicit ModuleOp(Operation* op) : op_(op) {}
  Operation* getOperation() const { return op_; }
  explicit operator bool() const { return op_ != nullptr; }

 private:
  Operation* op_ = nullptr;
};
}  // namespace mlir
#endif
