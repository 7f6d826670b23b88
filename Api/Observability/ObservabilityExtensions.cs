using JsonApiInvites.Api.Configuration;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace JsonApiInvites.Api.Observability;

/// <summary><c>Metrics:*</c>: the Prometheus scrape endpoint.</summary>
public sealed class MetricsSettings
{
    public const string Section = "Metrics";

    /// <summary>Serve <c>/metrics</c> (on by default).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Serve it on this port only (all interfaces; firewall it), instead of the API's own; unset: the API's port.</summary>
    public int? Port { get; set; }
}

/// <summary><c>Tracing:*</c>: OpenTelemetry traces (spans of requests, database commands, email sends).</summary>
public sealed class TracingSettings
{
    public const string Section = "Tracing";

    /// <summary>Record and export traces when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (on by default); false keeps them off even then.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>
/// OpenTelemetry (SPEC §10): traces and metrics of ASP.NET Core, the .NET runtime, Npgsql's commands and the service's
/// own (<see cref="Telemetry"/>); Prometheus at <c>/metrics</c>; OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// An incoming W3C <c>traceparent</c> continues its trace; log lines carry the trace and span ids.
/// </summary>
public static class ObservabilityExtensions
{
    public const string MetricsPath = "/metrics";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckedOptions<MetricsSettings>(builder.Configuration, MetricsSettings.Section)
            .Require(o => o.Port is { } port && (port < 1 || port > 65535) ? $"Metrics:Port must be a whole number from 1 to 65535 (got {port})." : null);
        builder.Services.AddCheckedOptions<TracingSettings>(builder.Configuration, TracingSettings.Section);
        var settings = Read<MetricsSettings>(builder.Configuration, MetricsSettings.Section);
        var tracing = Read<TracingSettings>(builder.Configuration, TracingSettings.Section);

        builder.Logging.Configure(logging => logging.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        // The console writes in batches (BatchedConsoleLoggerProvider), with ASP.NET Core's formatters and settings.
        var console = builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider)).ToList();
        if (console.Count > 0)
        {
            foreach (var descriptor in console)
            {
                builder.Services.Remove(descriptor);
            }

            builder.Services.AddSingleton<ILoggerProvider, BatchedConsoleLoggerProvider>();
        }

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry();

        // Spans are recorded only where they go somewhere: with an OTLP endpoint. Without one, ASP.NET Core still
        // starts an activity per request (continuing an incoming traceparent), so log lines carry trace ids anyway.
        if (tracing.Enabled && otlp)
        {
            telemetry.WithTracing(traces => traces
                .AddSource(Telemetry.Name, "Npgsql")
                .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath)));
        }

        telemetry.WithMetrics(metrics =>
            {
                // ASP.NET Core's request and connection meters only: its routing and rate-limiting meters record on
                // every request too, and measurably cost throughput (bench/run) for little an operator reads.
                // Of the hosting meter, the request-duration histogram (its count is the request rate): the
                // in-flight gauge would be updated twice more on every request.
                metrics.AddMeter(Telemetry.Name, "Npgsql", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics")
                    .AddView("http.server.active_requests", MetricStreamConfiguration.Drop)
                    .AddRuntimeInstrumentation();
                if (settings.Enabled)
                {
                    metrics.AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0);
                }
            });
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }

        if (settings.Enabled && settings.Port is { } metricsPort and >= 1 and <= 65535)
        {
            // The API's own addresses, and one more for the scrape.
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5080";
            builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), $"http://*:{metricsPort}"]);
        }

        return builder;
    }

    /// <summary>Settings the pipeline's shape depends on, read before the services exist; a bad value reads as the default here and is reported by the start-up check.</summary>
    private static T Read<T>(ConfigurationManager configuration, string section)
        where T : new()
    {
        try
        {
            return configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException)
        {
            return new T();
        }
    }

    /// <summary>The per-request log line (outermost, so it sees the final status).</summary>
    public static WebApplication UseRequestLog(this WebApplication app)
    {
        app.UseMiddleware<RequestLogMiddleware>();
        return app;
    }

    public static WebApplication MapMetrics(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsSettings>>().Value;
        if (settings.Enabled)
        {
            app.MapPrometheusScrapingEndpoint(MetricsPath);
        }

        return app;
    }

    /// <summary>
    /// With <c>Metrics:Port</c>, the port a request arrived on (not its Host header, which the client writes) decides:
    /// on the metrics port only <c>/metrics</c> answers, and on the API's ports <c>/metrics</c> is a 404.
    /// </summary>
    public static WebApplication UseMetricsPort(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsSettings>>().Value;
        if (settings is { Enabled: true, Port: { } port })
        {
            app.Use((context, next) =>
            {
                var onMetricsPort = context.Connection.LocalPort == port;
                if (onMetricsPort != context.Request.Path.Equals(MetricsPath, StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        return app;
    }
}
