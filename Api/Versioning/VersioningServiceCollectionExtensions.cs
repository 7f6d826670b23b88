using System.Reflection;
using Asp.Versioning;
using Asp.Versioning.Conventions;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JsonApiInvites.Api.Versioning;

/// <summary>Marks an action that exists only from a given declared version on (e.g. <c>2024-10-15~beta</c>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IntroducedInAttribute(string version) : Attribute
{
    public ApiVersionName Version { get; } = ApiVersionName.Parse(version);
}

/// <summary>Gives every controller the declared versions, and each action those at or after its <see cref="IntroducedInAttribute"/>.</summary>
public sealed class DeclaredVersionsConvention(DeclaredVersions versions) : IControllerConvention
{
    public bool Apply(IControllerConventionBuilder builder, ControllerModel controller)
    {
        // Which versions are deprecated depends on the day (a successor's date must have come): the reporter says so
        // per request (DatedApiVersionReporter); here every declared version is simply supported.
        foreach (var version in versions.All)
        {
            builder.HasApiVersion(DatedApiVersionParser.ToApiVersion(version));
        }

        foreach (var action in controller.Actions)
        {
            var introduced = action.ActionMethod.GetCustomAttribute<IntroducedInAttribute>()?.Version;
            var actionBuilder = builder.Action(action.ActionMethod);
            foreach (var version in versions.All.Where(v => introduced is null || v >= introduced.Value))
            {
                actionBuilder.MapToApiVersion(DatedApiVersionParser.ToApiVersion(version));
            }
        }

        return true;
    }
}

public static class VersioningServiceCollectionExtensions
{
    public static IServiceCollection AddDatedApiVersioning(this IServiceCollection services)
    {
        var versions = DeclaredVersions.Default;
        services.AddSingleton(versions);
        services.AddSingleton<VersionedOperations>();
        services.AddApiVersioning(options =>
            {
                options.ApiVersionReader = new ResolvedApiVersionReader();
                options.AssumeDefaultVersionWhenUnspecified = false;
                options.ReportApiVersions = true;
                options.UnsupportedApiVersionStatusCode = StatusCodes.Status404NotFound;
            })
            .AddMvc(options => options.Conventions.Add(new DeclaredVersionsConvention(versions)));
        services.Replace(ServiceDescriptor.Singleton<IApiVersionParser, DatedApiVersionParser>());
        services.Replace(ServiceDescriptor.Singleton<IReportApiVersions, DatedApiVersionReporter>());
        return services;
    }
}
