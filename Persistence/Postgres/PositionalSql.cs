using System.Collections.Concurrent;
using Npgsql;

namespace JsonApiInvites.Persistence.Postgres;

/// <summary>
/// A read's named placeholders (<c>@Id</c>) as PostgreSQL's positional ones (<c>$1</c>), worked out once per SQL text.
/// Given named parameters, Npgsql parses and rewrites a command's text on every execution (a StringBuilder, the new
/// text, a name map: ≈ a tenth of GET one's allocations on PostgreSQL); given positional ones, it sends the text as is.
/// Only plain text is translated: anything Npgsql's parser might read differently (dollar quotes, comments,
/// backslashes, semicolons, <c>:name</c>, two names that differ only in case) leaves the command to Npgsql, and so
/// does any command whose parameters are not exactly the placeholders' names, each an input.
/// </summary>
public sealed class PositionalSql
{
    // Lists alone make a few thousand texts (limits written into the SQL, filters, cursors). Bounded as the server's
    // other caches are: emptied when full, so only a miss counts the entries and the texts in use come back.
    private const int MaxRemembered = 4096;
    private static readonly ConcurrentDictionary<string, PositionalSql?> Remembered = new(StringComparer.Ordinal);

    private PositionalSql(string sql, string[] names)
    {
        Sql = sql;
        Names = names;
    }

    /// <summary>The text with <c>$1</c>, <c>$2</c>… in place of the names, numbered by first appearance.</summary>
    public string Sql { get; }

    /// <summary>The name (without <c>@</c>) each position stands for: <c>Names[0]</c> is <c>$1</c>.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// Makes <paramref name="command"/> positional when its text translates and its parameters are exactly the
    /// placeholders' names, each once (then reordered to their positions and unnamed); otherwise leaves it as it is.
    /// </summary>
    public static bool Apply(NpgsqlCommand command)
    {
        var parameters = command.Parameters;
        if (parameters.Count == 0 || command.CommandType != System.Data.CommandType.Text)
        {
            return false;
        }

        var text = command.CommandText;
        if (!Remembered.TryGetValue(text, out var translation))
        {
            translation = Translate(text);
            if (Remembered.Count >= MaxRemembered)
            {
                Remembered.Clear();
            }

            Remembered[text] = translation;
        }

        if (translation is null || translation.Names.Count != parameters.Count)
        {
            return false;
        }

        for (var position = 0; position < parameters.Count; position++)
        {
            if (parameters[position].Direction != System.Data.ParameterDirection.Input)
            {
                return false;
            }
        }

        // The usual case: parameters added in the order they first appear. Otherwise reorder them.
        var inOrder = true;
        for (var position = 0; position < parameters.Count; position++)
        {
            if (!Named(parameters[position], translation.Names[position]))
            {
                inOrder = false;
                break;
            }
        }

        if (!inOrder)
        {
            var ordered = new NpgsqlParameter[parameters.Count];
            for (var position = 0; position < ordered.Length; position++)
            {
                NpgsqlParameter? found = null;
                for (var given = 0; given < parameters.Count && found is null; given++)
                {
                    found = Named(parameters[given], translation.Names[position]) ? parameters[given] : null;
                }

                if (found is null)
                {
                    return false;
                }

                ordered[position] = found;
            }

            parameters.Clear();
            foreach (var parameter in ordered)
            {
                parameters.Add(parameter);
            }
        }

        for (var position = 0; position < parameters.Count; position++)
        {
            parameters[position].ParameterName = string.Empty;
        }

        command.CommandText = translation.Sql;
        return true;
    }

    /// <summary>Whether <paramref name="parameter"/> is called <paramref name="name"/>, with or without its prefix.</summary>
    private static bool Named(NpgsqlParameter parameter, string name)
    {
        var given = parameter.ParameterName.AsSpan();
        if (given.Length > 0 && given[0] is '@' or ':')
        {
            given = given[1..];
        }

        return given.SequenceEqual(name);
    }

    /// <summary>The translation of <paramref name="sql"/>, or null when it has no placeholder or anything but plain text.</summary>
    public static PositionalSql? Translate(string sql)
    {
        // Npgsql reads these specially (dollar quotes and positional placeholders, comments, escapes, several statements).
        if (sql.AsSpan().IndexOfAny("$;\\") >= 0 || sql.Contains("--", StringComparison.Ordinal) || sql.Contains("/*", StringComparison.Ordinal))
        {
            return null;
        }

        var names = new List<string>();
        var text = new System.Text.StringBuilder(sql.Length);
        var quote = '\0';
        for (var at = 0; at < sql.Length; at++)
        {
            var ch = sql[at];
            if (quote != '\0')
            {
                // Inside '…' or "…"; a doubled quote closes and reopens, which comes to the same.
                quote = ch == quote ? '\0' : quote;
                text.Append(ch);
                continue;
            }

            if (ch is '\'' or '"')
            {
                quote = ch;
                text.Append(ch);
                continue;
            }

            var previous = at > 0 ? sql[at - 1] : '\0';
            var startsName = at + 1 < sql.Length && IsNameChar(sql[at + 1]);
            if (ch == ':' && previous != ':' && startsName)
            {
                // Npgsql takes ":name" for a placeholder too; not written here, so not translated.
                return null;
            }

            if (ch == '@' && previous != '@' && startsName)
            {
                var end = at + 1;
                while (end < sql.Length && IsNameChar(sql[end]))
                {
                    end++;
                }

                var name = sql[(at + 1)..end];
                var index = names.IndexOf(name);
                if (index < 0)
                {
                    if (names.Exists(other => other.Equals(name, StringComparison.OrdinalIgnoreCase)))
                    {
                        // Npgsql matches names ignoring case, so @Id and @id may be one parameter to it: not translated.
                        return null;
                    }

                    names.Add(name);
                    index = names.Count - 1;
                }

                text.Append('$').Append(index + 1);
                at = end - 1;
                continue;
            }

            text.Append(ch);
        }

        return quote == '\0' && names.Count > 0 ? new PositionalSql(text.ToString(), [.. names]) : null;
    }

    // As Npgsql's parser reads a placeholder's name.
    private static bool IsNameChar(char ch) => char.IsLetterOrDigit(ch) || ch is '_' or '.';
}
