using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Organizations;
using JsonApiInvites.Domain.Tokens;
using JsonApiInvites.Persistence;

namespace JsonApiInvites.Api.Cli;

/// <summary>
/// Management verbs on the server's executable, with the server's configuration (SPEC §7), on System.CommandLine:
/// <c>orgs create|list</c>, <c>tokens create|list|revoke</c>, <c>openapi write</c>; each prints JSON on standard
/// output and exits 0. <c>--help</c>/<c>-h</c> on every verb prints usage (exit 0); <c>--version</c> the version; a
/// usage error (unknown verb or option, a missing or malformed value) prints a message on standard error and exits 2;
/// a failure (an unknown organization or token, a database that cannot be opened) exits 1. A command line that is a
/// verb never starts the server.
/// </summary>
public static partial class ManagementCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    /// <summary>
    /// Whether the command line is for the CLI: a verb anywhere (a word that is neither an option, an option's value,
    /// nor a <c>Key=value</c> setting), or <c>--help</c>, <c>-h</c>, <c>-?</c>, <c>--version</c>. A command line with
    /// only settings (<c>--urls …</c>, <c>--Key=value</c>, <c>Key=value</c>) starts the server; one with a verb never
    /// does (<c>--environment Production orgs list</c> is a usage error, not a server).
    /// </summary>
    public static bool IsCommand(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?" or "--version")
            {
                return true;
            }

            if (arg.StartsWith('-') || arg.StartsWith('/'))
            {
                // A server option: --urls http://…, --Key value, or --Key=value.
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Length && !args[i + 1].StartsWith('-'))
                {
                    i++;
                }

                continue;
            }

            if (!arg.Contains('=', StringComparison.Ordinal))
            {
                return true; // a word that is not a Key=value setting: a verb, known or not
            }
        }

        return false;
    }

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var root = Build(services, output, error);
        var parse = root.Parse(args);
        // Help wins over every other problem of the command line, as in the dotnet CLI.
        var help = parse.Action is System.CommandLine.Help.HelpAction;
        if (parse.Errors.Count > 0 && !help)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync(problem.Message);
            }

            await error.WriteLineAsync($"Run with --help for usage.");
            return Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken);
    }

    private static RootCommand Build(IServiceProvider services, TextWriter output, TextWriter error)
    {
        var name = new Option<string>("--name") { Description = "The organization's name (1 to 200 characters).", Required = true };
        var createOrg = new Command("create", "Creates an organization with its four default roles; prints it with their ids.") { name };
        createOrg.SetAction(Run(services, output, error, (parse, ct) => CreateOrganizationAsync(services, parse.GetRequiredValue(name), ct)));
        var listOrgs = new Command("list", "Lists every organization, oldest first.");
        listOrgs.SetAction(Run(services, output, error, (_, ct) => ListOrganizationsAsync(services, ct)));

        var org = new Option<Guid>("--org") { Description = "The organization's id.", Required = true };
        var permissions = new Option<string>("--permissions") { Description = "Comma-separated: " + string.Join(", ", Permissions.All) + ".", Required = true };
        var tokenName = new Option<string?>("--name") { Description = "A name to recognize the token by." };
        var expiresIn = new Option<string?>("--expires-in") { Description = "Lifetime, e.g. 90d, 12h, 30m (days, hours, minutes); none by default." };
        var createToken = new Command("create", "Creates an API token; prints its secret, once (only its SHA-256 is stored).") { org, permissions, tokenName, expiresIn };
        createToken.SetAction(Run(services, output, error, (parse, ct) => CreateTokenAsync(
            services, parse.GetValue(org), parse.GetRequiredValue(permissions), parse.GetValue(tokenName), parse.GetValue(expiresIn), ct)));
        var listOrg = new Option<Guid>("--org") { Description = "The organization's id.", Required = true };
        var listTokens = new Command("list", "Lists an organization's tokens with their status (never their secrets).") { listOrg };
        listTokens.SetAction(Run(services, output, error, (parse, ct) => ListTokensAsync(services, parse.GetValue(listOrg), ct)));
        var id = new Option<Guid>("--id") { Description = "The token's id (from tokens create or tokens list).", Required = true };
        var revoke = new Command("revoke", "Revokes a token: every server refuses it within 5 s. Revoking twice keeps the first time.") { id };
        revoke.SetAction(Run(services, output, error, (parse, ct) => RevokeTokenAsync(services, parse.GetValue(id), ct), database: true));

        var directory = new Option<string>("--out") { Description = "The folder to write into (the repository's openapi/).", Required = true };
        var write = new Command("write", "Writes the OpenAPI document of every declared version.") { directory };
        write.SetAction(Run(services, output, error, (parse, ct) => WriteOpenApiAsync(services, parse.GetRequiredValue(directory), ct), database: false));

        return new RootCommand("JsonApiInvites management: organizations, API tokens and OpenAPI documents, with the server's configuration. Without a verb, the executable runs the server.")
        {
            new Command("orgs", "Organizations.") { createOrg, listOrgs },
            new Command("tokens", "API tokens.") { createToken, listTokens, revoke },
            new Command("openapi", "OpenAPI documents.") { write },
        };
    }

    /// <summary>An action: opens the database (unless not needed), runs the verb, prints its result as JSON; a <see cref="CliException"/> is a message and its exit code.</summary>
    private static Func<ParseResult, CancellationToken, Task<int>> Run(
        IServiceProvider services, TextWriter output, TextWriter error, Func<ParseResult, CancellationToken, Task<object>> verb, bool database = true) =>
        async (parse, cancellationToken) =>
        {
            if (database && await DatabaseStartup.PrepareAsync(services, cancellationToken) is { } problem)
            {
                await error.WriteLineAsync(problem);
                return Failed;
            }

            try
            {
                var result = await verb(parse, cancellationToken);
                await output.WriteLineAsync(result as string ?? JsonSerializer.Serialize(result, JsonApiSerializer.Options));
                return Ok;
            }
            catch (CliException exception)
            {
                await error.WriteLineAsync(exception.Message);
                return exception.ExitCode;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A failure the verb did not foresee (a database or file error): one line, exit 1, no stack trace.
                await error.WriteLineAsync($"{parse.CommandResult.Command.Name} failed: {exception.Message}");
                return Failed;
            }
        };

    private static async Task<object> CreateOrganizationAsync(IServiceProvider services, string name, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > 200)
        {
            throw new CliException("--name must be 1 to 200 characters.", Usage);
        }

        var id = Guid.NewGuid();
        var roles = DefaultRoles.For(id);
        var organization = await services.GetRequiredService<IOrganizationRepository>().CreateAsync(name, roles, id, cancellationToken);
        return new
        {
            id = organization.Id,
            name = organization.Name,
            slug = organization.Slug,
            roles = roles.Select(r => new { id = r.Id, key = r.Key, name = r.Name }),
        };
    }

    private static async Task<object> ListOrganizationsAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        (await services.GetRequiredService<IOrganizationRepository>().ListAsync(cancellationToken))
            .Select(o => new { id = o.Id, name = o.Name, slug = o.Slug, created_at = Rfc3339.Format(o.CreatedAt) });

    private static async Task<object> CreateTokenAsync(
        IServiceProvider services, Guid organizationId, string permissionList, string? name, string? expiresIn, CancellationToken cancellationToken)
    {
        var permissions = permissionList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        var unknown = permissions.Where(p => !Permissions.IsKnown(p)).ToList();
        if (permissions.Count == 0 || unknown.Count > 0)
        {
            throw new CliException($"--permissions must list some of {string.Join(", ", Permissions.All)}; unknown: {string.Join(", ", unknown)}.", Usage);
        }

        var lifetime = expiresIn is null ? (TimeSpan?)null : ReadLifetime(expiresIn);
        if (await services.GetRequiredService<IOrganizationRepository>().FindAsync(organizationId, cancellationToken) is null)
        {
            throw new CliException($"Organization {organizationId} does not exist.", Failed);
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var secret = TokenSecret.Generate();
        var token = new ApiToken(Guid.NewGuid(), organizationId, name, permissions, now, now + lifetime);
        await services.GetRequiredService<ITokenRepository>().CreateAsync(token, TokenSecret.Hash(secret), cancellationToken);
        return new { id = token.Id, token = secret, permissions = token.Permissions, expires_at = Format(token.ExpiresAt) };
    }

    private static async Task<object> ListTokensAsync(IServiceProvider services, Guid organizationId, CancellationToken cancellationToken)
    {
        if (await services.GetRequiredService<IOrganizationRepository>().FindAsync(organizationId, cancellationToken) is null)
        {
            throw new CliException($"Organization {organizationId} does not exist.", Failed);
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        return (await services.GetRequiredService<ITokenRepository>().ListAsync(organizationId, cancellationToken)).Select(t => Describe(t, now));
    }

    private static async Task<object> RevokeTokenAsync(IServiceProvider services, Guid tokenId, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var token = await services.GetRequiredService<ITokenRepository>().RevokeAsync(tokenId, now, cancellationToken)
            ?? throw new CliException($"Token {tokenId} does not exist.", Failed);
        return Describe(token, now);
    }

    private static object Describe(ApiToken token, DateTimeOffset now) => new
    {
        id = token.Id,
        name = token.Name,
        permissions = token.Permissions,
        status = token.StatusAt(now),
        created_at = Rfc3339.Format(token.CreatedAt),
        expires_at = Format(token.ExpiresAt),
        revoked_at = Format(token.RevokedAt),
    };

    /// <summary>Writes one OpenAPI document per declared version into the directory (the repository's <c>openapi/</c>); prints the paths.</summary>
    private static async Task<object> WriteOpenApiAsync(IServiceProvider services, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var version in services.GetRequiredService<Versioning.DeclaredVersions>().All)
        {
            var path = Path.Combine(directory, OpenApi.OpenApiDocuments.FileName(version));
            await File.WriteAllTextAsync(path, OpenApi.OpenApiDocuments.Write(version), cancellationToken);
            written.Add(path);
        }

        return string.Join(Environment.NewLine, written);
    }

    /// <summary><c>90d</c>, <c>12h</c>, <c>30m</c>: from 1 minute to 10 years.</summary>
    private static TimeSpan ReadLifetime(string text)
    {
        var match = Lifetime().Match(text.Trim());
        var lifetime = !match.Success ? TimeSpan.Zero : match.Groups[2].Value switch
        {
            "d" => TimeSpan.FromDays(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)),
            "h" => TimeSpan.FromHours(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)),
            _ => TimeSpan.FromMinutes(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)),
        };
        if (lifetime < TimeSpan.FromMinutes(1) || lifetime > TimeSpan.FromDays(3660))
        {
            throw new CliException($"--expires-in must be a number and a unit, d, h or m (e.g. 90d, 12h, 30m), from 1 minute to 10 years (got '{text}').", Usage);
        }

        return lifetime;
    }

    [GeneratedRegex(@"^(\d{1,7})([dhm])$")]
    private static partial Regex Lifetime();

    private static string? Format(DateTimeOffset? time) => time is { } value ? Rfc3339.Format(value) : null;

    private sealed class CliException(string message, int exitCode) : Exception(message)
    {
        public int ExitCode { get; } = exitCode;
    }
}
