using System.Globalization;

namespace JsonApiInvites.Persistence;

/// <summary>Pieces of SQL text the server writes from numbers of its own (never from a request's text).</summary>
internal static class Sql
{
    /// <summary>A row count for <c>LIMIT</c>, written into the statement instead of bound as a parameter.</summary>
    /// <remarks>
    /// SQLite (3.53, as SQLitePCLRaw ships it) plans with a bound LIMIT's value, so binding one marks the compiled
    /// statement stale and every run compiled it again: 7 % of the list's time in the profile. Written as text, each
    /// page size (a multiple of 10 up to 100) is a statement of its own, compiled once per pooled connection, which
    /// keeps the 128 it used last. The value is an <see cref="int"/> the server computed, checked positive.
    /// </remarks>
    public static string Limit(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        return rows.ToString(CultureInfo.InvariantCulture);
    }
}
