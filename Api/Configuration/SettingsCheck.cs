using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace JsonApiInvites.Api.Configuration;

/// <summary>
/// Every option the server reads, bound and validated before it listens (SPEC §7): the first problem is one line
/// naming the key and what it accepts (<c>Email:PollIntervalSeconds must be a whole number from 1 to 3600 (got
/// 0).</c>), and the server exits with code 1, never with a stack trace. Options are bound with
/// <see cref="AddCheckedOptions{T}"/> and state their rules with <see cref="Require{T}"/> and <see cref="Range{T}"/>;
/// a value that is not even of the option's type (<c>abc</c> for a number) is named here.
/// </summary>
public static partial class SettingsCheck
{
    /// <summary>Binds <typeparamref name="T"/> to the configuration section <paramref name="section"/>; its rules are checked at start.</summary>
    public static OptionsBuilder<T> AddCheckedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        services.AddSingleton(new CheckedOptions(Check<T>));
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    /// <summary>A rule: <paramref name="problem"/> returns the one line saying what is wrong, or null.</summary>
    public static OptionsBuilder<T> Require<T>(this OptionsBuilder<T> builder, Func<T, string?> problem)
        where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new Rule<T>(builder.Name, problem));
        return builder;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static OptionsBuilder<T> Range<T>(this OptionsBuilder<T> builder, string key, Func<T, int> value, int min, int max, string? unit = null)
        where T : class =>
        builder.Require(o => value(o) is var v && (v < min || v > max)
            ? string.Create(CultureInfo.InvariantCulture, $"{key} must be a whole number from {min} to {max}{(unit is null ? "" : " " + unit)} (got {v}).")
            : null);

    /// <summary>The first problem of the server's settings as one line, or null when it can start.</summary>
    public static string? FirstProblem(IServiceProvider services) =>
        services.GetServices<CheckedOptions>().Select(check => check.FirstProblem(services)).FirstOrDefault(problem => problem is not null);

    private static string? Check<T>(IServiceProvider services)
        where T : class
    {
        try
        {
            _ = services.GetRequiredService<IOptions<T>>().Value;
            return null;
        }
        catch (OptionsValidationException exception)
        {
            return exception.Failures.First();
        }
        catch (InvalidOperationException exception) when (Conversion().Match(exception.Message) is { Success: true } match)
        {
            var key = match.Groups["key"].Value;
            var type = typeof(T).GetProperty(key[(key.LastIndexOf(':') + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
            return $"{key} must be {Describe(type)} (got '{match.Groups["value"].Value}').";
        }
    }

    private static string Describe(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "a valid value",
            { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(bool) => "true or false",
            _ => "a valid " + type.Name,
        };
    }

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type")]
    private static partial Regex Conversion();

    /// <summary>One bound options type, checked by <see cref="FirstProblem"/>.</summary>
    public sealed record CheckedOptions(Func<IServiceProvider, string?> FirstProblem);

    private sealed class Rule<T>(string? name, Func<T, string?> problem) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options) =>
            name is not null && name != optionsName ? ValidateOptionsResult.Skip
            : problem(options) is { } message ? ValidateOptionsResult.Fail(message)
            : ValidateOptionsResult.Success;
    }
}
