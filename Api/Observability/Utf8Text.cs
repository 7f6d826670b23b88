using System.Globalization;
using System.Text;

namespace JsonApiInvites.Api.Observability;

/// <summary>
/// Appending to a line being written as UTF-8 into a fixed buffer (the request line, <see cref="RequestLine"/>):
/// each call advances <c>written</c> and returns true, or returns false when the rest does not fit.
/// </summary>
internal static class Utf8Text
{
    public static bool Append(Span<byte> destination, ReadOnlySpan<char> text, ref int written)
    {
        if (!Encoding.UTF8.TryGetBytes(text, destination[written..], out var n))
        {
            return false;
        }

        written += n;
        return true;
    }

    /// <summary>Appends <paramref name="value"/> formatted with <paramref name="format"/> in the invariant culture.</summary>
    public static bool Append<T>(Span<byte> destination, T value, ReadOnlySpan<char> format, ref int written)
        where T : IUtf8SpanFormattable
    {
        if (!value.TryFormat(destination[written..], out var n, format, CultureInfo.InvariantCulture))
        {
            return false;
        }

        written += n;
        return true;
    }
}
