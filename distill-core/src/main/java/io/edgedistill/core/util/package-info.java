/** Small shared helpers for DJL training loops: the gradient-recording guard and the fused Adam update. */
package io.edgedistill.core.util;
