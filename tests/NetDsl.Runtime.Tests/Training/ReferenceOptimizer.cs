using System;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>
/// Keras's update rules written out plainly in double precision, one step per row of gradients: the
/// yardstick the float (and vectorised) optimizers are compared against.
/// </summary>
internal static class ReferenceOptimizer
{
    public static double[] Sgd(float[] initial, float[][] gradients, float learningRate, float momentum, bool nesterov)
    {
        double lr = learningRate, mu = momentum;
        double[] w = Widen(initial);
        double[] v = new double[w.Length];
        foreach (float[] g in gradients)
        {
            for (int i = 0; i < w.Length; i++)
            {
                if (mu == 0)
                {
                    w[i] -= lr * g[i];
                    continue;
                }

                v[i] = (mu * v[i]) - (lr * g[i]);
                w[i] += nesterov ? (mu * v[i]) - (lr * g[i]) : v[i];
            }
        }

        return w;
    }

    public static double[] Adam(float[] initial, float[][] gradients, float learningRate, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-7f)
    {
        double lr = learningRate, b1 = beta1, b2 = beta2, eps = epsilon;
        double[] w = Widen(initial);
        double[] m = new double[w.Length];
        double[] v = new double[w.Length];
        for (int step = 0; step < gradients.Length; step++)
        {
            int t = step + 1;
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            float[] g = gradients[step];
            for (int i = 0; i < w.Length; i++)
            {
                m[i] += (g[i] - m[i]) * (1 - b1);
                v[i] += (((double)g[i] * g[i]) - v[i]) * (1 - b2);
                w[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + eps);
            }
        }

        return w;
    }

    private static double[] Widen(float[] values) => Array.ConvertAll(values, x => (double)x);
}
