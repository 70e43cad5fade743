/// A failure inside the linear-algebra layer.
public enum LinearAlgebraError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A LAPACK or BLAS routine reported `info != 0`.
    case lapack(routine: String, info: Int)
    /// A dimension does not fit LAPACK's 32-bit integers.
    case dimensionTooLarge(Int)

    public var description: String {
        switch self {
        case let .lapack(routine, info):
            info < 0
                ? "internal error: LAPACK \(routine) rejected argument \(-info)"
                : "LAPACK \(routine) failed (info \(info)): the matrix is singular or not positive definite"
        case let .dimensionTooLarge(value):
            "a dimension of \(value) is too large for LAPACK's 32-bit integers"
        }
    }
}
