"""The public names of PyTorch that minigrad leaves out, each with the reason (issue 17, item 6).

``docs/coverage.py`` compares this list with the installed PyTorch and writes docs/coverage.md;
tests/test_coverage.py fails when a public name of the covered namespaces is neither in minigrad
nor here. Asking minigrad for a name listed here raises an AttributeError that gives the reason
(``missing``). Needs no PyTorch.
"""

WHERE = "docs/coverage.md"

REASONS = {
    "jit": ("TorchScript, tracing, torch.compile, export and fx, and the C++ types behind them: "
            "minigrad runs eagerly only"),
    "storage": ("storages, strides and raw memory (as_strided, set_, resize_, dlpack, "
                "channels_last ...): a minigrad tensor is a contiguous-or-view numpy array with "
                "no exposed storage"),
    "low_precision": ("dtypes minigrad does not have (float16, bfloat16, float8, sub-byte and "
                      "unsigned 16-64 bit integers) and the matmuls built on them"),
    "complex": ("complex numbers: minigrad has real dtypes only"),
    "torch_function": ("the __torch_function__ protocol for tensor subclasses"),
    "devices": ("devices and backends other than the CPU (CUDA, cuDNN, MIOpen, MKL-DNN, XPU, MPS, "
                "streams, events)"),
    "amp": ("automatic mixed precision (autocast, GradScaler): no float16/bfloat16"),
    "not_api": ("not part of the API: a name the module imports for its own use (typing helpers, "
                "docstring fragments)"),
    "quantization": ("quantized tensors and quantization-aware training"),
    "aten": ("low-level ATen entry points that torch exposes for its own functional layer: "
             "minigrad offers their public form in nn.functional (or, for batch_norm's stats "
             "helpers, only where a module needs them)"),
    "vision": ("vision layers minigrad does not have yet: 3-d and transposed convolution and "
               "pooling, unpooling, fractional/LP pooling, fold/unfold, pixel shuffle, upsampling "
               "and grid sampling"),
    "copy_variants": ("the *_copy forms of view ops, which exist for graph compilers "
                      "(functionalization); use the view and .clone()"),
    "signal": ("spectral operations (fft, stft) and window functions"),
    "sparse": ("sparse, nested and jagged layouts"),
    "linalg": ("matrix decompositions and solvers (torch.linalg's deprecated top-level forms and "
               "their methods): not implemented"),
    "rnn": ("recurrent layers and sequence losses (RNN, LSTM, GRU, CTC): outside minigrad's "
            "MLP/CNN scope"),
    "distributed": ("distributed training, multiprocessing and shared memory"),
    "submodules": ("a torch submodule outside the namespaces this report covers"),
    "norms": ("normalization layers other than BatchNorm1d/2d and LayerNorm (instance, group, "
              "local response, RMS) and the lazy convolution and norm layers: not implemented yet"),
    "attention": ("attention and transformer layers: outside minigrad's MLP/CNN scope"),
    "higher_order": ("forward-mode and higher-order differentiation (create_graph, gradgradcheck, "
                     "torch.func): minigrad's engine is first-order reverse mode"),
    "datapipes": ("DataPipes, deprecated in PyTorch and removed from its documentation"),
    "profiler": ("the autograd profiler (minigrad has its own: minigrad.profiler)"),
    "switches": ("runtime switches and build flags with no counterpart in minigrad (it is always "
                 "deterministic; one OpenMP pool; no LAPACK/MKL)"),
    "inplace": ("not implemented yet: the in-place form of an op (the out-of-place op is there)"),
    "gap": ("not implemented yet: an open gap"),
}

# reason -> namespace -> names
_NAMES = {
    "jit": {
        "torch": """
            AVG AcceleratorError AggregationType AliasDb AnyType Argument ArgumentSpec AwaitType
            BenchmarkConfig BenchmarkExecutionStats Block BoolType BufferDict CallStack Capsule
            ClassType Code CompilationUnit CompleteArgumentSpec ComplexType ConcreteModuleType
            ConcreteModuleTypeBuilder DeepCopyMemoTable DeserializationStorageContext
            DeviceObjType DictType DispatchKey DispatchKeySet EnumType ErrorReport
            ExcludeDispatchKeyGuard ExecutionPlan FatalError FileCheck FloatType FunctionSchema
            Future FutureType Gradient Graph GraphExecutorState IODescriptor InferredType
            IntType InterfaceType JITException ListType LiteScriptModule LockingLogger
            LoggerBase ModuleDict Node NoneType NoopLogger NumberType OperatorInfo OptionalType
            OutOfMemoryError ParameterDict PyObjectType PyTorchFileReader PyTorchFileWriter
            RRefType SUM ScriptClass ScriptClassFunction ScriptDict ScriptDictIterator
            ScriptDictKeyIterator ScriptFunction ScriptList ScriptListIterator ScriptMethod
            ScriptModule ScriptModuleSerializer ScriptObject ScriptObjectProperty
            SerializationStorageContext StaticModule StreamObjType StringType SymBool
            SymBoolType SymFloat SymInt SymIntType Tag TensorType TracingState TupleType Type
            UnionType Use Value classes compile compiled_with_cxx11_abi compiler cond cpp export
            fork func futures fx get_float32_matmul_precision import_ir_module
            import_ir_module_from_buffer jit library merge_type_from_type_comment package
            parse_ir parse_schema parse_type_comment set_float32_matmul_precision
            sym_constrain_range sym_constrain_range_for_size sym_float sym_fresh_size sym_int
            sym_ite sym_max sym_min sym_not sym_sqrt sym_sum unify_type_list vmap wait
            while_loop
        """,
    },
    "storage": {
        "torch": """
            BFloat16Storage BoolStorage ByteStorage CharStorage DoubleStorage FloatStorage
            HalfStorage IntStorage LongStorage ShortStorage Storage StorageBase TypedStorage
            UntypedStorage as_strided as_strided_ as_strided_copy as_strided_scatter
            channels_last channels_last_3d empty_strided from_dlpack from_file frombuffer
            is_storage legacy_contiguous_format storage to_dlpack
        """,
        "Tensor": """
            apply_ as_strided as_strided_ as_strided_scatter dim_order map2_ map_ module_load
            new_empty_strided pin_memory resize resize_ resize_as resize_as_ set_ storage
            storage_offset storage_type untyped_storage
        """,
    },
    "low_precision": {
        "torch": """
            BFloat16Tensor HalfTensor bfloat16 bit bits16 bits1x8 bits2x4 bits4x2 bits8 float16
            float4_e2m1fn_x2 float8_e4m3fn float8_e4m3fnuz float8_e5m2 float8_e5m2fnuz
            float8_e8m0fnu half int1 int2 int3 int4 int5 int6 int7 uint1 uint16 uint2 uint3
            uint32 uint4 uint5 uint6 uint64 uint7
        """,
        "Tensor": """
            bfloat16 half
        """,
        "nn.functional": """
            ScalingType SwizzleType grouped_mm scaled_grouped_mm scaled_mm
        """,
    },
    "complex": {
        "torch": """
            ComplexDoubleStorage ComplexFloatStorage adjoint angle cdouble cfloat chalf complex
            complex128 complex32 complex64 conj conj_physical conj_physical_ imag is_complex
            is_conj is_neg isreal polar real resolve_conj resolve_neg view_as_complex
            view_as_complex_copy view_as_real view_as_real_copy
        """,
        "Tensor": """
            adjoint angle cdouble cfloat chalf conj conj_physical conj_physical_ imag is_complex
            is_conj is_neg isreal mH real resolve_conj resolve_neg
        """,
    },
    "torch_function": {
        "torch": """
            DisableTorchFunction DisableTorchFunctionSubclass
        """,
        "nn.functional": """
            handle_torch_function has_torch_function has_torch_function_unary
            has_torch_function_variadic
        """,
        "autograd": """
            handle_torch_function has_torch_function is_tensor_like
        """,
    },
    "devices": {
        "torch": """
            Event Stream ThroughputBenchmark cpu cudnn_affine_grid_generator cudnn_batch_norm
            cudnn_convolution cudnn_convolution_add_relu cudnn_convolution_relu
            cudnn_convolution_transpose cudnn_grid_sampler cudnn_is_acceptable get_device_module
            is_vulkan_available miopen_batch_norm miopen_convolution miopen_convolution_add_relu
            miopen_convolution_relu miopen_convolution_transpose miopen_ctc_loss
            miopen_depthwise_convolution miopen_rnn mkldnn_adaptive_avg_pool2d
            mkldnn_convolution mkldnn_linear_backward_weights mkldnn_max_pool2d
            mkldnn_max_pool3d mkldnn_rnn_layer mps mtia
            profiler_allow_cudagraph_cupti_lazy_reinit_cuda12 xpu
        """,
        "Tensor": """
            ipu is_ipu is_maia is_mkldnn is_mtia is_pinned is_vulkan is_xla is_xpu mtia
            record_stream to_mkldnn xpu
        """,
    },
    "amp": {
        "torch": """
            GradScaler amp autocast autocast_decrement_nesting autocast_increment_nesting
            clear_autocast_cache get_autocast_cpu_dtype get_autocast_dtype
            get_autocast_gpu_dtype get_autocast_ipu_dtype get_autocast_xla_dtype
            is_autocast_cache_enabled is_autocast_cpu_enabled is_autocast_enabled
            is_autocast_ipu_enabled is_autocast_xla_enabled set_autocast_cache_enabled
            set_autocast_cpu_dtype set_autocast_cpu_enabled set_autocast_dtype
            set_autocast_enabled set_autocast_gpu_dtype set_autocast_ipu_dtype
            set_autocast_ipu_enabled set_autocast_xla_dtype set_autocast_xla_enabled
        """,
    },
    "not_api": {
        "torch": """
            PRIVATE_OPS TYPE_CHECKING USE_GLOBAL_DEPS USE_RTLD_GLOBAL_WITH_LIBTORCH
            classproperty get_file_path torch
        """,
        "nn": """
            common_types factory_kwargs
        """,
        "nn.functional": """
            BroadcastingList1 BroadcastingList2 BroadcastingList3 Callable DType
            GRID_SAMPLE_INTERPOLATION_MODES GRID_SAMPLE_PADDING_MODES Optional TYPE_CHECKING
            assert_int_or_pair boolean_dispatch reproducibility_notes sparse_support_notes
            tf32_notes torch
        """,
        "autograd": """
            Mapping Sequence cast overload torch
        """,
    },
    "quantization": {
        "torch": """
            QInt32Storage QInt8Storage QUInt2x4Storage QUInt4x2Storage QUInt8Storage ao
            choose_qparams_optimized dequantize empty_quantized fake_quantize_per_channel_affine
            fake_quantize_per_tensor_affine fbgemm_linear_fp16_weight
            fbgemm_linear_fp16_weight_fp32_activation fbgemm_linear_int8_weight
            fbgemm_linear_int8_weight_fp32_activation fbgemm_linear_quantize_weight
            fbgemm_pack_gemm_matrix_fp16 fbgemm_pack_quantized_matrix
            fused_moving_avg_obs_fake_quant int_repr per_channel_affine
            per_channel_affine_float_qparams per_channel_symmetric per_tensor_affine
            per_tensor_symmetric q_per_channel_axis q_per_channel_scales
            q_per_channel_zero_points q_scale q_zero_point qint32 qint8 qscheme quantization
            quantize_per_channel quantize_per_tensor quantize_per_tensor_dynamic
            quantized_batch_norm quantized_gru quantized_gru_cell quantized_lstm
            quantized_lstm_cell quantized_max_pool1d quantized_max_pool2d quantized_max_pool3d
            quantized_rnn_relu_cell quantized_rnn_tanh_cell quint2x4 quint4x2 quint8
        """,
        "Tensor": """
            dequantize int_repr q_per_channel_axis q_per_channel_scales
            q_per_channel_zero_points q_scale q_zero_point qscheme
        """,
        "nn": """
            intrinsic qat quantizable quantized
        """,
    },
    "aten": {
        "torch": """
            adaptive_avg_pool1d adaptive_max_pool1d alpha_dropout alpha_dropout_ avg_pool1d
            batch_norm batch_norm_backward_elemt batch_norm_backward_reduce batch_norm_elemt
            batch_norm_gather_stats batch_norm_gather_stats_with_counts batch_norm_stats
            batch_norm_update_stats binary_cross_entropy_with_logits conv1d conv2d conv_tbc
            convolution cosine_embedding_loss dropout_ embedding embedding_bag embedding_renorm_
            feature_alpha_dropout feature_alpha_dropout_ feature_dropout feature_dropout_
            frobenius_norm hash_tensor hinge_embedding_loss kl_div layer_norm
            margin_ranking_loss max_pool1d max_pool2d native_batch_norm native_dropout
            native_layer_norm native_norm nuclear_norm poisson_nll_loss rsub segment_reduce
            triplet_margin_loss
        """,
    },
    "vision": {
        "torch": """
            affine_grid_generator channel_shuffle conv3d conv_transpose1d conv_transpose2d
            conv_transpose3d grid_sampler grid_sampler_2d grid_sampler_3d
            max_pool1d_with_indices max_pool3d native_channel_shuffle pixel_shuffle
            pixel_unshuffle
        """,
        "nn": """
            AdaptiveAvgPool3d AdaptiveLogSoftmaxWithLoss AdaptiveMaxPool3d AvgPool3d BatchNorm3d
            ChannelShuffle Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d Fold
            FractionalMaxPool2d FractionalMaxPool3d InstanceNorm3d LPPool1d LPPool2d LPPool3d
            LazyBatchNorm3d LazyConv3d LazyConvTranspose1d LazyConvTranspose2d
            LazyConvTranspose3d LazyInstanceNorm3d MaxPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d
            PixelShuffle PixelUnshuffle Unfold Upsample UpsamplingBilinear2d UpsamplingNearest2d
        """,
        "nn.functional": """
            adaptive_avg_pool3d adaptive_max_pool1d_with_indices
            adaptive_max_pool2d_with_indices adaptive_max_pool3d
            adaptive_max_pool3d_with_indices affine_grid avg_pool3d channel_shuffle conv3d
            conv_tbc conv_transpose1d conv_transpose2d conv_transpose3d fold
            fractional_max_pool2d fractional_max_pool2d_with_indices fractional_max_pool3d
            fractional_max_pool3d_with_indices grid_sample interpolate lp_pool1d lp_pool2d
            lp_pool3d max_pool1d_with_indices max_pool2d_with_indices max_pool3d
            max_pool3d_with_indices max_unpool1d max_unpool2d max_unpool3d
            native_channel_shuffle pixel_shuffle pixel_unshuffle unfold upsample
            upsample_bilinear upsample_nearest
        """,
    },
    "copy_variants": {
        "torch": """
            alias_copy detach_copy diagonal_copy expand_copy narrow_copy permute_copy
            select_copy slice_copy split_copy split_with_sizes_copy squeeze_copy t_copy
            transpose_copy unbind_copy unfold_copy unsqueeze_copy values_copy view_copy
        """,
        "Tensor": """
            narrow_copy
        """,
    },
    "signal": {
        "torch": """
            bartlett_window blackman_window fft hamming_window hann_window istft kaiser_window
            signal stft windows
        """,
        "Tensor": """
            istft stft
        """,
    },
    "sparse": {
        "torch": """
            ccol_indices_copy col_indices_copy crow_indices_copy dsmm hsmm hspmm indices_copy
            jagged nested resize_as_sparse_ row_indices_copy saddmm smm sparse sparse_bsc
            sparse_bsc_tensor sparse_bsr sparse_bsr_tensor sparse_compressed_tensor sparse_coo
            sparse_coo_tensor sparse_csc sparse_csc_tensor sparse_csr sparse_csr_tensor spmm
            sspaddmm
        """,
        "Tensor": """
            ccol_indices coalesce col_indices crow_indices dense_dim indices is_coalesced
            is_sparse_csr resize_as_sparse_ row_indices smm sparse_dim sparse_mask
            sparse_resize_ sparse_resize_and_clear_ sspaddmm to_dense to_padded_tensor to_sparse
            to_sparse_bsc to_sparse_bsr to_sparse_coo to_sparse_csc to_sparse_csr values
        """,
        "optim": """
            SparseAdam
        """,
    },
    "linalg": {
        "torch": """
            cholesky cholesky_inverse cholesky_solve det eig geqrf inverse lobpcg logdet lstsq
            lu lu_solve lu_unpack matrix_exp matrix_power matrix_rank orgqr ormqr pca_lowrank
            pinverse qr slogdet solve svd svd_lowrank symeig triangular_solve
        """,
        "Tensor": """
            cholesky cholesky_inverse cholesky_solve det eig geqrf inverse logdet lstsq lu
            lu_solve matrix_exp matrix_power orgqr ormqr pinverse qr slogdet solve svd symeig
            triangular_solve
        """,
    },
    "rnn": {
        "torch": """
            ctc_loss gru gru_cell lstm lstm_cell rnn_relu rnn_relu_cell rnn_tanh rnn_tanh_cell
        """,
        "nn": """
            CTCLoss GRU GRUCell LSTM LSTMCell RNN RNNBase RNNCell RNNCellBase
        """,
        "nn.functional": """
            ctc_loss
        """,
    },
    "distributed": {
        "torch": """
            distributed is_distributed prepare_multiprocessing_environment
        """,
        "Tensor": """
            is_distributed is_shared share_memory_
        """,
        "nn": """
            DataParallel SyncBatchNorm parallel
        """,
    },
    "submodules": {
        "torch": """
            distributions functional hub masked monitor multiprocessing overrides
            quasirandom return_types special testing torch_version types version
        """,
    },
    "norms": {
        "torch": """
            group_norm instance_norm native_group_norm rms_norm
        """,
        "nn": """
            CrossMapLRN2d GroupNorm InstanceNorm1d InstanceNorm2d LazyBatchNorm1d
            LazyBatchNorm2d LazyConv1d LazyConv2d LazyInstanceNorm1d LazyInstanceNorm2d
            LocalResponseNorm RMSNorm
        """,
        "nn.functional": """
            group_norm instance_norm local_response_norm rms_norm
        """,
    },
    "attention": {
        "nn": """
            MultiheadAttention Transformer TransformerDecoder TransformerDecoderLayer
            TransformerEncoder TransformerEncoderLayer attention
        """,
        "nn.functional": """
            multi_head_attention_forward scaled_dot_product_attention
        """,
    },
    "higher_order": {
        "nn": """
            grad
        """,
        "nn.functional": """
            grad
        """,
        "autograd": """
            NestedIOFunction enforce_grad_layout_policy forward_ad functional gradgradcheck
            is_multithreading_enabled is_view_replay_enabled set_multithreading_enabled
        """,
    },
    "datapipes": {
        "utils.data": """
            DFIterDataPipe DataChunk IterDataPipe MapDataPipe argument_validation datapipes
            functional_datapipe graph graph_settings guaranteed_datapipes_determinism
            non_deterministic runtime_validation runtime_validation_disabled
        """,
    },
    "profiler": {
        "autograd": """
            DeviceType ProfilerActivity ProfilerConfig ProfilerEvent ProfilerState SavedTensor
            kineto_available profiler profiler_legacy profiler_util
        """,
    },
    "switches": {
        "torch": """
            are_deterministic_algorithms_enabled get_deterministic_debug_mode
            get_num_interop_threads has_lapack has_mkl has_openmp has_spectral init_num_threads
            is_deterministic_algorithms_warn_only_enabled is_inference_mode_enabled
            is_warn_always_enabled set_deterministic_debug_mode set_flush_denormal
            set_num_interop_threads set_warn_always typename use_deterministic_algorithms
        """,
    },
    "inplace": {
        "torch": """
            i0_ ldexp_
        """,
        "Tensor": """
            heaviside_ i0_ igamma_ igammac_ index_reduce_ ldexp_ masked_scatter_ nextafter_
            polygamma_
        """,
    },
    "gap": {
        "torch": """
            asarray binomial can_cast combinations cumulative_trapezoid
            diagonal_scatter empty_permuted get_device gradient histogramdd i0 igamma
            igammac index_put_ index_reduce is_inference nonzero_static
            norm_except_dim put resize_as_ slice_inverse thread_safe_generator
            unsafe_chunk unsafe_split unsafe_split_with_sizes
        """,
        "Tensor": """
            as_subclass bernoulli const_data_ptr
            diagonal_scatter grad_dtype hash_tensor histogram i0 igamma igammac index
            index_reduce is_inference is_set_to nonzero_static
            output_nr put put_ register_post_accumulate_grad_hook reinforce slice_inverse
            unsafe_chunk unsafe_split unsafe_split_with_sizes
        """,
        "nn": """
            Container LinearCrossEntropyLoss LinearCrossEntropyOptions
        """,
        "nn.functional": """
            linear_cross_entropy
        """,
        "optim": """
            Adafactor Muon swap_in_optimizer_params_and_state
        """,
    },
}

# namespace -> {name: reason key}
LEFT_OUT = {}
for _key, _spaces in _NAMES.items():
    for _ns, _names in _spaces.items():
        for _name in _names.split():
            LEFT_OUT.setdefault(_ns, {})[_name] = _key


def missing(namespace, name, owner):
    """The AttributeError for ``name`` of ``namespace`` (``"torch"``, ``"nn.functional"``,
    ``"Tensor"`` ...): PyTorch's message, then, for a name minigrad leaves out, why and where the
    list is. ``owner`` starts the message as Python's would (``module 'minigrad'``)."""
    key = LEFT_OUT.get(namespace, {}).get(name)
    message = f"{owner} has no attribute '{name}'"
    if key is not None:
        message += (f": not implemented in minigrad ({REASONS[key]}); the names minigrad leaves "
                    f"out, and why, are listed in {WHERE}")
    return AttributeError(message)
