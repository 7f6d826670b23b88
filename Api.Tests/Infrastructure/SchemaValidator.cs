using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// The part of JSON Schema 2020-12 our OpenAPI documents use: <c>$ref</c> into the document, <c>type</c> (one or a
/// list), <c>const</c>, <c>enum</c>, <c>properties</c>, <c>required</c>, <c>additionalProperties</c>, <c>items</c>,
/// <c>minItems</c>/<c>maxItems</c>, <c>oneOf</c>, <c>pattern</c>, <c>maxLength</c>, numeric bounds and the formats
/// <c>uuid</c>, <c>date-time</c> and <c>email</c>. A keyword it does not know fails loudly, so a document can never
/// use one the check silently skips.
/// </summary>
public sealed class SchemaValidator(JsonObject document, bool checkRequired)
{
    private static readonly HashSet<string> Known =
    [
        "$ref", "type", "const", "enum", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "oneOf", "pattern", "maxLength", "minimum", "maximum", "multipleOf", "format", "description", "default", "writeOnly",
    ];

    public List<string> Errors { get; } = [];

    public void Validate(JsonNode? instance, JsonObject schema, string at)
    {
        foreach (var (keyword, _) in schema.Where(k => !Known.Contains(k.Key)))
        {
            throw new NotSupportedException($"Schema keyword '{keyword}' at {at} is not supported by the contract check.");
        }

        if (schema["$ref"] is { } reference)
        {
            Validate(instance, Resolve(reference.GetValue<string>()), at);
            return;
        }

        if (schema["type"] is { } type && !TypeMatches(instance, type))
        {
            Errors.Add($"{at}: expected {type.ToJsonString()}, got {Kind(instance)}");
            return;
        }

        if (schema["const"] is { } constant && !JsonNode.DeepEquals(constant, instance))
        {
            Errors.Add($"{at}: expected {constant.ToJsonString()}, got {instance?.ToJsonString()}");
        }

        if (schema["enum"] is JsonArray values && !values.Any(v => JsonNode.DeepEquals(v, instance)))
        {
            Errors.Add($"{at}: {instance?.ToJsonString()} is not one of {values.ToJsonString()}");
        }

        if (schema["oneOf"] is JsonArray choices)
        {
            var matches = choices.Count(choice =>
            {
                var probe = new SchemaValidator(document, checkRequired);
                probe.Validate(instance, choice!.AsObject(), at);
                return probe.Errors.Count == 0;
            });
            if (matches != 1)
            {
                Errors.Add($"{at}: matches {matches} of the oneOf schemas, not exactly one");
            }
        }

        switch (instance)
        {
            case JsonObject obj:
                ValidateObject(obj, schema, at);
                break;
            case JsonArray array:
                ValidateArray(array, schema, at);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                ValidateString(value.GetValue<string>(), schema, at);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                ValidateNumber(value.GetValue<double>(), schema, at);
                break;
        }
    }

    private void ValidateObject(JsonObject obj, JsonObject schema, string at)
    {
        var properties = schema["properties"]?.AsObject();
        if (checkRequired && schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()).Where(n => !obj.ContainsKey(n)))
            {
                Errors.Add($"{at}: required member '{name}' is missing");
            }
        }

        foreach (var (name, value) in obj)
        {
            if (properties?[name] is JsonObject propertySchema)
            {
                Validate(value, propertySchema, $"{at}/{name}");
            }
            else if (schema["additionalProperties"] is JsonValue allowed && !allowed.GetValue<bool>())
            {
                Errors.Add($"{at}: member '{name}' is not documented");
            }
            else if (schema["additionalProperties"] is JsonObject additional)
            {
                Validate(value, additional, $"{at}/{name}");
            }
        }
    }

    private void ValidateArray(JsonArray array, JsonObject schema, string at)
    {
        if (schema["minItems"] is { } min && array.Count < min.GetValue<int>())
        {
            Errors.Add($"{at}: fewer than {min} items");
        }

        if (schema["maxItems"] is { } max && array.Count > max.GetValue<int>())
        {
            Errors.Add($"{at}: more than {max} items");
        }

        if (schema["items"] is JsonObject items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Validate(array[i], items, $"{at}/{i}");
            }
        }
    }

    private void ValidateString(string text, JsonObject schema, string at)
    {
        if (schema["pattern"] is { } pattern && !Regex.IsMatch(text, pattern.GetValue<string>(), RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            Errors.Add($"{at}: '{text}' does not match {pattern}");
        }

        if (schema["maxLength"] is { } maxLength && text.Length > maxLength.GetValue<int>())
        {
            Errors.Add($"{at}: longer than {maxLength}");
        }

        var valid = schema["format"]?.GetValue<string>() switch
        {
            "uuid" => Guid.TryParseExact(text, "D", out _),
            "date-time" => DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
            "email" => text.Contains('@', StringComparison.Ordinal),
            _ => true,
        };
        if (!valid)
        {
            Errors.Add($"{at}: '{text}' is not a {schema["format"]}");
        }
    }

    private void ValidateNumber(double number, JsonObject schema, string at)
    {
        if ((schema["minimum"] is { } min && number < min.GetValue<double>()) || (schema["maximum"] is { } max && number > max.GetValue<double>())
            || (schema["multipleOf"] is { } step && number % step.GetValue<double>() != 0))
        {
            Errors.Add($"{at}: {number} is out of the documented range");
        }
    }

    private JsonObject Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Only local references are supported: {reference}");
        }

        JsonNode? node = document;
        foreach (var token in reference[2..].Split('/'))
        {
            node = node?[token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node as JsonObject ?? throw new InvalidOperationException($"Unresolved reference {reference}.");
    }

    private static bool TypeMatches(JsonNode? instance, JsonNode type) => type is JsonArray types
        ? types.Any(t => TypeMatches(instance, t!.GetValue<string>()))
        : TypeMatches(instance, type.GetValue<string>());

    private static bool TypeMatches(JsonNode? instance, string type) => type switch
    {
        "null" => instance is null,
        "object" => instance is JsonObject,
        "array" => instance is JsonArray,
        "string" => instance is JsonValue v && v.GetValueKind() == JsonValueKind.String,
        "boolean" => instance is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "integer" => instance is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() % 1 == 0,
        "number" => instance is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
        _ => throw new NotSupportedException($"Unknown type '{type}'."),
    };

    private static string Kind(JsonNode? instance) => instance is null ? "null" : instance.GetValueKind().ToString().ToLowerInvariant();
}
