using Microsoft.Extensions.Primitives;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>Sparse fieldsets by resource type; a type without an entry shows all its fields.</summary>
public sealed class Fieldsets(IReadOnlyDictionary<string, IReadOnlySet<string>> byType)
{
    public static Fieldsets All { get; } = new(new Dictionary<string, IReadOnlySet<string>>());

    public bool Shows(string type, string field) => !byType.TryGetValue(type, out var fields) || fields.Contains(field);

    /// <summary>Whether <paramref name="type"/> has a fieldset (else it shows all its fields).</summary>
    public bool Restricts(string type) => byType.ContainsKey(type);

    /// <summary>Adds the member when the fieldset of <paramref name="type"/> shows <paramref name="field"/>.</summary>
    public void AddIfShown<T>(Dictionary<string, T> members, string type, string field, T value)
    {
        if (Shows(type, field))
        {
            members[field] = value;
        }
    }
}

/// <summary>
/// The query string of one request, checked against what the route understands. Every parameter the route does
/// not know is a 400 naming it (we reject unknown implementation-specific names too, so typos never pass silently).
/// </summary>
public sealed class QueryReader
{
    public const string Include = "include";
    public const string FieldsFamily = "fields";

    private readonly IQueryCollection _query;

    private QueryReader(IQueryCollection query) => _query = query;

    /// <param name="known">Parameter names the route accepts besides <c>version</c>; <c>fields</c> stands for the whole <c>fields[TYPE]</c> family.</param>
    public static QueryReader Check(IQueryCollection query, IReadOnlyCollection<string> known)
    {
        foreach (var (name, values) in query)
        {
            var family = FamilyOf(name);
            var isKnown = family == FieldsFamily
                ? name != FieldsFamily && known.Contains(FieldsFamily)
                : name == Versioning.ApiVersionMiddleware.QueryParameter || known.Contains(name);
            if (isKnown)
            {
                if (values.Count > 1)
                {
                    throw new JsonApiException(Errors.InvalidQueryParameter(name, $"'{name}' may be given only once."));
                }

                continue;
            }

            throw new JsonApiException(Errors.InvalidQueryParameter(name, $"The query parameter '{name}' is not supported by this endpoint."));
        }

        return new QueryReader(query);
    }

    public string? Single(string name)
    {
        var values = _query[name];
        return StringValues.IsNullOrEmpty(values) ? null : values[0];
    }

    public bool Has(string name) => _query.ContainsKey(name);

    /// <summary>The requested include paths (all of which must be in <paramref name="allowed"/>), or null when <c>include</c> was not given.</summary>
    public IReadOnlySet<string>? Includes(IReadOnlySet<string> allowed)
    {
        if (!_query.TryGetValue(Include, out var values))
        {
            return null;
        }

        var paths = SplitList(values.ToString());
        foreach (var path in paths)
        {
            if (!allowed.Contains(path))
            {
                var supported = allowed.Count == 0 ? "no relationship paths" : string.Join(", ", allowed.Order(StringComparer.Ordinal).Select(p => $"'{p}'"));
                throw new JsonApiException(Errors.InvalidQueryParameter(Include, $"'{path}' is not an include path of this endpoint; it supports {supported}."));
            }
        }

        return paths;
    }

    /// <summary>Reads every <c>fields[TYPE]</c>; <paramref name="fieldsByType"/> lists each known type's fields.</summary>
    public Fieldsets Fields(IReadOnlyDictionary<string, IReadOnlyList<string>> fieldsByType)
    {
        Dictionary<string, IReadOnlySet<string>>? result = null;
        foreach (var (name, values) in _query)
        {
            if (FamilyOf(name) != FieldsFamily)
            {
                continue;
            }

            var type = name[(FieldsFamily.Length + 1)..^1];
            if (!fieldsByType.TryGetValue(type, out var known))
            {
                throw new JsonApiException(Errors.InvalidQueryParameter(name, $"'{type}' is not a resource type of this API version."));
            }

            var fields = SplitList(values.ToString());
            foreach (var field in fields.Where(f => !known.Contains(f)))
            {
                throw new JsonApiException(Errors.InvalidQueryParameter(name, $"'{field}' is not a field of '{type}'; its fields are {string.Join(", ", known)}."));
            }

            result ??= new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
            result[type] = fields;
        }

        return result is null ? Fieldsets.All : new Fieldsets(result);
    }

    /// <summary><c>fields[x]</c> → <c>fields</c>; a name without a well-formed <c>[...]</c> suffix is its own family.</summary>
    private static string FamilyOf(string name)
    {
        var open = name.IndexOf('[', StringComparison.Ordinal);
        return open > 0 && name.EndsWith(']') && name.IndexOf(']', StringComparison.Ordinal) == name.Length - 1 && name.Length > open + 2
            ? name[..open]
            : name;
    }

    private static HashSet<string> SplitList(string value) =>
        value.Length == 0 ? [] : [.. value.Split(',', StringSplitOptions.TrimEntries)];
}
